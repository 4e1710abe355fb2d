/**
 * Registers the simulated fleet in the bench database through carve's own services, as an
 * operator would have it: a customer per ten hosts, each host dedicated to its customer
 * with its SSH host key pinned to the simulator's fingerprint, a dedicated pool per host,
 * and its servers reserved through the pool and the host like an order and stored as their
 * create job leaves them (running, root disk present). Only the Dom0 work of a create job
 * is skipped: the fleet child starts the domains directly.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { parseSshPublicKey } from '@carve/core';
import { HostService } from '@carve/inventory';
import { ImageService } from '@carve/images';
import { PoolService } from '@carve/pools';
import { domainNameFor, inBootOrder, ServerRepository, ServerReservations, volumeNameFor, type DiskRequest } from '@carve/servers';
import { type Actor, CustomerService } from '@carve/tenancy';
import { FLEET_HOST_SHAPE, FLEET_SERVER_SIZE, profileFor, type FleetDomain, type FleetEndpoint } from './fleet-shape';

const HOSTS_PER_CUSTOMER = 10;
const REGISTERING_AT_ONCE = 6;
const ROOT_DISK: DiskRequest = { label: 'root', role: 'root', filesystem: 'ext4', sizeGiB: FLEET_SERVER_SIZE.diskGiB };

export interface RegisteredHost {
  id: string;
  name: string;
  domains: FleetDomain[];
}

/** An ed25519 public key line that parses (made up: nothing holds the private half, and nothing logs in to the bench's DomUs). */
function benchSshKey(): string {
  const type = Buffer.from('ssh-ed25519');
  const key = createHash('sha256').update('carve bench:collect').digest();
  const blob = Buffer.concat([Buffer.from([0, 0, 0, type.length]), type, Buffer.from([0, 0, 0, key.length]), key]);
  return parseSshPublicKey(`ssh-ed25519 ${blob.toString('base64')} bench@carve`).line;
}

export async function registerFleet(app: INestApplicationContext, endpoints: readonly FleetEndpoint[], domainsPerHost: number, progress: (done: number) => void): Promise<RegisteredHost[]> {
  const customers = app.get(CustomerService);
  const hosts = app.get(HostService);
  const pools = app.get(PoolService);
  const servers = app.get(ServerRepository);
  const reservations = app.get(ServerReservations);
  const image = await app.get(ImageService).create({ name: 'bench-debian-12', description: 'bench:collect', archivePath: '/var/lib/carve/images/debian-12.tar.gz' });
  const sshKey = benchSshKey();

  const actors: Actor[] = [];
  for (let c = 0; c < Math.ceil(endpoints.length / HOSTS_PER_CUSTOMER); c += 1) {
    const made = await customers.create({ name: `bench customer ${c + 1}`, adminName: 'Bench admin', adminEmail: `bench-${c + 1}@example.com` });
    actors.push({ userId: made.admin.id, tokenId: 'bench:collect', customerId: made.id, role: 'admin' });
  }

  const registerOne = async (endpoint: FleetEndpoint, index: number): Promise<RegisteredHost> => {
    const actor = actors[Math.floor(index / HOSTS_PER_CUSTOMER)]!;
    const customerId = actor.customerId!;
    const host = await hosts.register({
      name: endpoint.name,
      sshAddress: '127.0.0.1',
      sshPort: endpoint.port,
      hostKeyFingerprint: endpoint.hostKeyFingerprint,
      cpuThreads: FLEET_HOST_SHAPE.cpus,
      totalMemoryMiB: FLEET_HOST_SHAPE.totalMemoryMiB,
      dom0MemoryMiB: FLEET_HOST_SHAPE.dom0MemMiB,
      volumeGroup: FLEET_HOST_SHAPE.vgName,
      volumeGroupSizeGiB: FLEET_HOST_SHAPE.vgSizeGiB,
      transferAllowanceGB: 20_000,
      uplinkMbit: 1000,
      monthlyCostMinor: 4900,
      currency: 'EUR',
      location: 'bench',
      status: 'active',
      dedicatedCustomerId: customerId,
    });
    const pool = await pools.create(actor, { kind: 'dedicated', name: `bench pool ${endpoint.name}`, hostId: host.id });
    const domains = await servers.transaction(async (manager) => {
      const made: FleetDomain[] = [];
      for (let i = 0; i < domainsPerHost; i += 1) {
        const name = `${endpoint.name}-vm${String(i + 1).padStart(2, '0')}`;
        const { host: placed } = await reservations.reserveForOrder(manager, { customerId, poolId: pool.id, vcpus: FLEET_SERVER_SIZE.vcpus, memoryMiB: FLEET_SERVER_SIZE.memoryMiB, diskGiB: ROOT_DISK.sizeGiB });
        if (placed.id !== host.id) throw new Error(`${name} was placed on ${placed.name}, not on its dedicated host ${host.name}`);
        const id = randomUUID();
        const domainName = domainNameFor(name, id);
        const disks = inBootOrder([ROOT_DISK]).map((d, position) => ({
          id: randomUUID(),
          serverId: id,
          customerId,
          label: d.label,
          role: d.role,
          filesystem: d.filesystem,
          sizeGiB: d.sizeGiB,
          inodes: null,
          bytesPerInode: null,
          volumeName: volumeNameFor(domainName, d.label),
          position,
          state: 'present' as const,
        }));
        await servers.insertServer(
          {
            id,
            customerId,
            poolId: pool.id,
            hostId: host.id,
            imageId: image.id,
            name,
            domainName,
            state: 'running',
            memoryMiB: FLEET_SERVER_SIZE.memoryMiB,
            maxMemoryMiB: FLEET_SERVER_SIZE.memoryMiB,
            vcpus: FLEET_SERVER_SIZE.vcpus,
            maxVcpus: FLEET_SERVER_SIZE.vcpus,
            sshPublicKeys: [sshKey],
            activeRootDiskId: disks[0]!.id,
            pendingReboot: false,
            holdsReservation: true,
            failureReason: null,
            deletedAt: null,
          },
          manager,
        );
        await servers.insertDisks(disks, manager);
        made.push({ domainName, volumeName: disks[0]!.volumeName, profile: profileFor(index * domainsPerHost + i) });
      }
      return made;
    });
    return { id: host.id, name: host.name, domains };
  };

  const registered: RegisteredHost[] = new Array(endpoints.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: REGISTERING_AT_ONCE }, async () => {
      for (let i = next++; i < endpoints.length; i = next++) {
        registered[i] = await registerOne(endpoints[i]!, i);
        done += 1;
        progress(done);
      }
    }),
  );
  return registered;
}

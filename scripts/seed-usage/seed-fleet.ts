/**
 * The servers a seed run writes usage for: servers that exist, and when there are too few,
 * synthetic ones made through the libs' own services (customer, host, pool, reservation,
 * server and disk rows) in the state a built server has.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { decodeCursor, PageRequest, parseSshPublicKey } from '@carve/core';
import { Host, HostService } from '@carve/inventory';
import { ImageService } from '@carve/images';
import { Pool, PoolService } from '@carve/pools';
import { domainNameFor, inBootOrder, Server, ServerRepository, ServerReservations, volumeNameFor, type DiskRequest } from '@carve/servers';
import { Actor, CustomerService, UserService } from '@carve/tenancy';

export interface SeedServer {
  id: string;
  name: string;
  customerId: string;
  poolId: string;
  hostId: string;
  vcpus: number;
  memoryMiB: number;
}

export interface ChosenServers {
  servers: SeedServer[];
  /** Synthetic servers made by this run. */
  created: number;
}

export class SeedFleetError extends Error {}

/** A synthetic host takes this many servers (each at most 4 vCPUs, 4 GiB and 20 GiB). */
export const SERVERS_PER_SEED_HOST = 20;
const SEED_CUSTOMER = (k: number) => `seed customer ${k}`;
const SEED_HOST_PREFIX = 'seed-';
/** Sizes of synthetic servers, in turn. */
const SIZES = [
  { vcpus: 1, memoryMiB: 1024 },
  { vcpus: 2, memoryMiB: 2048 },
  { vcpus: 2, memoryMiB: 4096 },
  { vcpus: 4, memoryMiB: 4096 },
  { vcpus: 1, memoryMiB: 2048 },
] as const;
const ROOT_DISK: DiskRequest = { label: 'root', role: 'root', filesystem: 'ext4', sizeGiB: 20 };
const PAGE = 500;

function toSeedServer(s: Server): SeedServer {
  return { id: s.id, name: s.name, customerId: s.customerId, poolId: s.poolId, hostId: s.hostId, vcpus: s.vcpus, memoryMiB: s.memoryMiB };
}

/** An ed25519 public key line that parses (its key is made up: nothing holds the private half). */
function seedSshKey(): string {
  const type = Buffer.from('ssh-ed25519');
  const key = createHash('sha256').update('carve seed:usage').digest();
  const blob = Buffer.concat([Buffer.from([0, 0, 0, type.length]), type, Buffer.from([0, 0, 0, key.length]), key]);
  return parseSshPublicKey(`ssh-ed25519 ${blob.toString('base64')} seed@carve`).line;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export class SeedFleet {
  private readonly servers: ServerRepository;
  private readonly reservations: ServerReservations;
  private readonly customers: CustomerService;
  private readonly users: UserService;
  private readonly hosts: HostService;
  private readonly pools: PoolService;
  private readonly images: ImageService;
  private imageId?: string;
  private readonly sshKey = seedSshKey();

  constructor(
    app: INestApplicationContext,
    private readonly say: (line: string) => void,
  ) {
    this.servers = app.get(ServerRepository);
    this.reservations = app.get(ServerReservations);
    this.customers = app.get(CustomerService);
    this.users = app.get(UserService);
    this.hosts = app.get(HostService);
    this.pools = app.get(PoolService);
    this.images = app.get(ImageService);
  }

  async choose(options: { servers: number; customer?: string; serverIds: string[] }): Promise<ChosenServers> {
    if (options.serverIds.length > 0) return { servers: await this.named(options.serverIds), created: 0 };
    if (options.customer !== undefined) {
      const customer = await this.customerNamed(options.customer, true);
      const existing = await this.newestRunning(options.servers, customer.id);
      const made = existing.length < options.servers ? await this.addSynthetic(customer, options.servers - existing.length, Number.POSITIVE_INFINITY) : [];
      return { servers: [...existing, ...made], created: made.length };
    }
    const existing = await this.newestRunning(options.servers);
    const made: SeedServer[] = [];
    for (let k = 1; existing.length + made.length < options.servers; k += 1) {
      const customer = await this.customerNamed(SEED_CUSTOMER(k), true);
      made.push(...(await this.addSynthetic(customer, options.servers - existing.length - made.length, 1)));
    }
    return { servers: [...existing, ...made], created: made.length };
  }

  private async named(ids: string[]): Promise<SeedServer[]> {
    const found = await Promise.all(ids.map((id) => this.servers.findById(id)));
    const problems = ids.flatMap((id, i) => {
      const s = found[i];
      if (!s) return [`${id}: no such server`];
      if (s.state !== 'running' && s.state !== 'stopped') return [`${id} (${s.name}): ${s.state}; only running or stopped servers have a domain to meter`];
      return [];
    });
    if (problems.length > 0) throw new SeedFleetError(`cannot seed these servers:\n  ${problems.join('\n  ')}`);
    return found.map((s) => toSeedServer(s!));
  }

  /** The newest running servers (of one customer, or of all), at most `limit`. */
  private async newestRunning(limit: number, customerId?: string): Promise<SeedServer[]> {
    const result: SeedServer[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    while (result.length < limit) {
      const rows = await this.servers.list({ kind: 'operator' }, { limit: Math.min(PAGE, limit - result.length), after }, { state: 'running', customerId });
      const page = rows.slice(0, Math.min(PAGE, limit - result.length));
      result.push(...page.map(toSeedServer));
      if (rows.length <= page.length) break;
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    return result;
  }

  private async customerNamed(name: string, create: boolean): Promise<{ id: string; name: string }> {
    // The filter matches substrings ("seed customer 1" finds 10 to 19 too): page until the exact name.
    for (let after: PageRequest['after']; ; ) {
      const page = await this.customers.list({ limit: 100, after }, { name });
      const found = page.items.find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (found) return found;
      if (!page.nextCursor) break;
      after = decodeCursor(page.nextCursor);
    }
    if (!create) throw new SeedFleetError(`no customer is named "${name}"`);
    const made = await this.customers.create({ name, adminName: 'Seed admin', adminEmail: `seed-${shortHash(name.toLowerCase())}@example.com` });
    this.say(`created customer "${name}"`);
    return made;
  }

  /** The customer's first admin, as whom its seed pools are made (the size history names a user). */
  private async adminOf(customerId: string): Promise<Actor> {
    const scope: Actor = { userId: '', tokenId: 'seed:usage', customerId, role: 'admin' };
    const users = await this.users.list(scope, { limit: 100 });
    const admin = users.items.find((u) => u.role === 'admin');
    if (!admin) throw new SeedFleetError(`customer ${customerId} has no admin user to make its seed pool as`);
    return { ...scope, userId: admin.id };
  }

  /** Up to `count` synthetic servers for the customer on its seed hosts (adding hosts, at most `maxHosts` in all). */
  private async addSynthetic(customer: { id: string; name: string }, count: number, maxHosts: number): Promise<SeedServer[]> {
    const hosts = (await this.hosts.list({ limit: 100 }, { dedicatedCustomerId: customer.id })).items.filter((h) => h.name.startsWith(SEED_HOST_PREFIX));
    const made: SeedServer[] = [];
    let actor: Actor | undefined;
    let names: Set<string> | undefined;
    for (let i = 0; made.length < count; i += 1) {
      let host = hosts[i];
      if (!host) {
        if (hosts.length >= maxHosts) break;
        host = await this.registerHost(customer.id, hosts.length + 1);
        hosts.push(host);
      }
      const room = SERVERS_PER_SEED_HOST - host.serverCount;
      if (room <= 0) continue;
      actor ??= await this.adminOf(customer.id);
      names ??= await this.takenNames(customer.id);
      made.push(...(await this.buildOn(actor, host, Math.min(room, count - made.length), names)));
    }
    if (made.length > 0) this.say(`created ${made.length} synthetic server(s) for "${customer.name}"`);
    return made;
  }

  private async takenNames(customerId: string): Promise<Set<string>> {
    const rows = await this.servers.list({ kind: 'operator' }, { limit: 100_000 }, { customerId, includeDeleted: true });
    return new Set(rows.map((s) => s.name));
  }

  /**
   * A host nothing connects to: its address cannot resolve (.invalid) and it is retired
   * between seed runs, so the collector and the reconciler leave it alone. It is dedicated
   * to the customer, so its servers never take room on real hosts.
   */
  private async registerHost(customerId: string, index: number): Promise<Host> {
    const name = `${SEED_HOST_PREFIX}${customerId.slice(0, 8)}-${index}`;
    const host = await this.hosts.register({
      name,
      sshAddress: `${name}.invalid`,
      hostKeyFingerprint: `SHA256:${createHash('sha256').update(name).digest('base64').replace(/=+$/, '')}`,
      cpuThreads: 32,
      totalMemoryMiB: 131_072,
      dom0MemoryMiB: 4096,
      volumeGroup: 'vg0',
      volumeGroupSizeGiB: 1024,
      transferAllowanceGB: 20_000,
      uplinkMbit: 1000,
      monthlyCostMinor: 0,
      currency: 'EUR',
      location: 'synthetic (npm run seed:usage)',
      status: 'retired',
      dedicatedCustomerId: customerId,
    });
    this.say(`registered synthetic host ${name}`);
    return host;
  }

  /** Servers as their create job leaves them (running, disks present), reserved through the pool and the host like an order. */
  private async buildOn(actor: Actor, host: Host, count: number, names: Set<string>): Promise<SeedServer[]> {
    // Active only while it takes the servers: placement and dedicated pools need an active host.
    await this.hosts.update(host.id, { status: 'active' });
    try {
      const pool = await this.poolOn(actor, host);
      const imageId = await this.seedImage();
      const made = await this.servers.transaction(async (manager) => {
        const built: Server[] = [];
        for (let i = 0; i < count; i += 1) {
          const { name, n } = this.nextName(names);
          const size = SIZES[(n - 1) % SIZES.length]!;
          const { host: placed } = await this.reservations.reserveForOrder(manager, { customerId: pool.customerId, poolId: pool.id, ...size, diskGiB: ROOT_DISK.sizeGiB });
          const id = randomUUID();
          const domainName = domainNameFor(name, id);
          const disks = inBootOrder([ROOT_DISK]).map((d, position) => ({
            id: randomUUID(),
            serverId: id,
            customerId: pool.customerId,
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
          const server = await this.servers.insertServer(
            {
              id,
              customerId: pool.customerId,
              poolId: pool.id,
              hostId: placed.id,
              imageId,
              name,
              domainName,
              state: 'running',
              memoryMiB: size.memoryMiB,
              maxMemoryMiB: size.memoryMiB,
              vcpus: size.vcpus,
              maxVcpus: size.vcpus,
              sshPublicKeys: [this.sshKey],
              activeRootDiskId: disks[0]!.id,
              pendingReboot: false,
              holdsReservation: true,
              failureReason: null,
              deletedAt: null,
            },
            manager,
          );
          await this.servers.insertDisks(disks, manager);
          built.push(server);
        }
        return built;
      });
      host.serverCount += made.length;
      return made.map(toSeedServer);
    } finally {
      await this.hosts.update(host.id, { status: 'retired' });
    }
  }

  private nextName(names: Set<string>): { name: string; n: number } {
    for (let n = 1; ; n += 1) {
      const name = `seed-${String(n).padStart(4, '0')}`;
      if (!names.has(name)) {
        names.add(name);
        return { name, n };
      }
    }
  }

  private async poolOn(actor: Actor, host: Host): Promise<Pool> {
    const pools = await this.pools.list(actor, { limit: 100 }, { kind: 'dedicated' });
    return pools.items.find((p) => p.hostId === host.id) ?? this.pools.create(actor, { kind: 'dedicated', name: `seed pool ${host.name}`, hostId: host.id });
  }

  /** The newest image in the catalog, or a seed image when there is none (a server names its image). */
  private async seedImage(): Promise<string> {
    if (this.imageId) return this.imageId;
    const [image] = (await this.images.list({ limit: 1 }, {})).items;
    this.imageId = image?.id ?? (await this.images.create({ name: 'seed-debian-12', description: 'made by npm run seed:usage', archivePath: '/var/lib/carve/images/debian-12.tar.gz' })).id;
    return this.imageId;
  }
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEd25519KeyPair, simAdminKeyIn, startSimHost, type SimHost } from '@carve/dom0-sim';
import { HostRepository, HostService, type HostInput } from '@carve/inventory';
import type { DataSource } from 'typeorm';
import { LaunchError } from './launch-error';
import { findFreePort } from './ports';
import { say } from './progress';

/** First simulated host's preferred SSH port; the next ones count up, skipping busy ports. */
export const SIM_BASE_PORT = 2201;

/** The machine every simulated host pretends to be; registered with the same numbers so capacity matches. */
export const SIM_HOST_SHAPE = {
  cpus: 16,
  totalMemoryMiB: 65536,
  dom0MemMiB: 4096,
  vgName: 'vg0',
  vgSizeGiB: 1800,
} as const;

/** What a small rented Dom0 costs and carries; only shown, nothing depends on it. */
const SIM_HOST_COMMERCIALS = {
  transferAllowanceGB: 20_000,
  uplinkMbit: 1000,
  monthlyCostMinor: 4900,
  currency: 'EUR',
  location: 'local simulator',
} as const;

export function simHostName(index: number): string {
  return `sim-${index + 1}`;
}

/** A host key per simulated host, made once, so its fingerprint (pinned in the inventory) survives restarts. */
function hostKeyFor(dir: string, name: string): string {
  const path = join(dir, `${name}.host-key`);
  if (existsSync(path)) return readFileSync(path, 'utf8');
  const key = generateEd25519KeyPair().private;
  writeFileSync(path, key, { mode: 0o600 });
  return key;
}

interface RegisteredHost {
  id: string;
  sshPort: number;
  hostKeyFingerprint: string;
}

async function findRegistered(db: DataSource, name: string): Promise<RegisteredHost | undefined> {
  const rows: { id: string; ssh_port: number; host_key_fingerprint: string }[] = await db.query(
    'SELECT id, ssh_port, host_key_fingerprint FROM hosts WHERE name = $1',
    [name],
  );
  const row = rows[0];
  return row && { id: row.id, sshPort: row.ssh_port, hostKeyFingerprint: row.host_key_fingerprint };
}

function hostInput(sim: SimHost): Omit<HostInput, 'dedicatedCustomerId' | 'status' | 'vcpuOvercommitRatio'> {
  return {
    name: sim.name,
    sshAddress: '127.0.0.1',
    sshPort: sim.port,
    sshUser: 'root',
    hostKeyFingerprint: sim.hostKeyFingerprint,
    cpuThreads: SIM_HOST_SHAPE.cpus,
    totalMemoryMiB: SIM_HOST_SHAPE.totalMemoryMiB,
    dom0MemoryMiB: SIM_HOST_SHAPE.dom0MemMiB,
    volumeGroup: SIM_HOST_SHAPE.vgName,
    volumeGroupSizeGiB: SIM_HOST_SHAPE.vgSizeGiB,
    ...SIM_HOST_COMMERCIALS,
  };
}

/**
 * Registers the host unless one of that name exists; an existing one only has its port and
 * fingerprint brought up to date (the port moves when the old one was busy at this start).
 */
async function register(service: HostService, existing: RegisteredHost | undefined, sim: SimHost): Promise<string> {
  if (!existing) {
    await service.register(hostInput(sim));
    return 'registered in the inventory';
  }
  if (existing.sshPort === sim.port && existing.hostKeyFingerprint === sim.hostKeyFingerprint) return 'already in the inventory';
  await service.update(existing.id, { sshPort: sim.port, hostKeyFingerprint: sim.hostKeyFingerprint });
  return `inventory entry updated (port ${existing.sshPort} -> ${sim.port})`;
}

export interface SimHostsOptions {
  count: number;
  dataDir: string;
  authorizedKey: string;
  db: DataSource;
}

/** Starts the simulated Dom0 hosts in this process (state under <dataDir>/sim) and registers each. */
export async function startSimHosts(opts: SimHostsOptions): Promise<SimHost[]> {
  const dir = join(opts.dataDir, 'sim');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const service = new HostService(new HostRepository(opts.db));
  // carve's key reaches only each host's agent; the admin key gets raw lines (carve-sim control, a human's xl list).
  const adminKey = simAdminKeyIn(dir);
  const hosts: SimHost[] = [];
  try {
    for (let i = 0; i < opts.count; i += 1) {
      const name = simHostName(i);
      const existing = await findRegistered(opts.db, name);
      const preferred = existing?.sshPort ?? SIM_BASE_PORT + i;
      const port = await findFreePort(preferred);
      if (port === undefined) throw new LaunchError(`no free port for simulated host ${name} near ${preferred}`, 'Free a port there, or set CARVE_SIM_HOSTS=0.');
      const sim = await startSimHost({
        name,
        port,
        hostKey: hostKeyFor(dir, name),
        authorizedKeys: [opts.authorizedKey],
        adminKey,
        ...SIM_HOST_SHAPE,
        stateFile: join(dir, `${name}.state.json`),
        agentStateDir: join(dir, `${name}.agent`),
      });
      hosts.push(sim);
      const outcome = await register(service, existing, sim);
      say(`simulated Dom0 ${name} on 127.0.0.1:${sim.port} (${sim.hostKeyFingerprint}): ${outcome}`);
    }
  } catch (error) {
    await Promise.all(hosts.map((h) => h.close()));
    throw error;
  }
  return hosts;
}

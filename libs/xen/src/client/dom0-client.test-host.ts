// Test support for the client specs: a simulated Dom0 reached over real SSH through the pool.
import { generateEd25519KeyPair, startSimHost, type SimHost } from '@carve/dom0-sim';
import { DomainSpec } from '../domain-config/domain-spec';
import { run, SshConnectionPool, type Dom0Target } from '../ssh';
import { Dom0Client, Dom0ClientOptions } from './dom0-client';

export interface ClientTestHost {
  readonly sim: SimHost;
  readonly pool: SshConnectionPool;
  readonly target: Dom0Target;
  client(options?: Dom0ClientOptions): Dom0Client;
  /** Run a simulator control line (`carve-sim fail ...`) with the simulator's admin key. */
  simControl(line: string): Promise<void>;
  close(): Promise<void>;
}

export async function startClientTestHost(options: { timeFactor?: number; totalMemoryMiB?: number; vgSizeGiB?: number } = {}): Promise<ClientTestHost> {
  const key = generateEd25519KeyPair();
  const sim = await startSimHost({ port: 0, authorizedKeys: [key.public], timeFactor: options.timeFactor ?? 100, ...options });
  const pool = new SshConnectionPool();
  const target: Dom0Target = {
    hostId: 'sim-client-spec',
    address: '127.0.0.1',
    port: sim.port,
    username: 'root',
    privateKey: key.private,
    expectedHostKeyFingerprint: sim.hostKeyFingerprint,
  };
  return {
    sim,
    pool,
    target,
    client: (clientOptions) => new Dom0Client(pool, target, clientOptions),
    // carve's key reaches only the agent; control lines go in with the simulator's admin key.
    simControl: async (line) => {
      await run(pool, { ...target, hostId: `${target.hostId}-admin`, privateKey: sim.adminPrivateKey }, { line, description: line });
    },
    async close() {
      await pool.close();
      await sim.close();
    },
  };
}

/** A PVH domain booting from `<name>-root`, with a standby root and swap, as issue 4 provisions it. */
export function domainSpec(name: string, overrides: Partial<DomainSpec> = {}): DomainSpec {
  return {
    name,
    type: 'pvh',
    memoryMiB: 2048,
    maxMemoryMiB: 4096,
    vcpus: 2,
    maxVcpus: 4,
    cpuWeight: 256,
    capPercent: 0,
    boot: { bootloader: 'pygrub' },
    disks: [
      { target: `/dev/vg0/${name}-root`, vdev: 'xvda', access: 'w' },
      { target: `/dev/vg0/${name}-root2`, vdev: 'xvdb', access: 'w' },
      { target: `/dev/vg0/${name}-swap`, vdev: 'xvdc', access: 'w' },
    ],
    vifs: [{ mac: '00:16:3e:5a:01:02', bridge: 'xenbr0', rateMbitPerSec: 100 }],
    onPoweroff: 'destroy',
    onReboot: 'restart',
    onCrash: 'restart',
    ...overrides,
  };
}

/**
 * Child entry: `--hosts N --first F --authorized-key-file FILE` starts N simulated Dom0
 * hosts (collect-F+1 and on) in this process (other machines in production, so their CPU is not the collector's), on
 * the real clock (time factor 1: the collector's rates use the hosts' own timestamps).
 * Over IPC it answers `ready` with their ports and host key fingerprints, then takes
 * `domains` (per host, the DomUs carve has servers for) and starts them at once, as
 * `lvcreate` and `xl create` would, and answers `domains-started`.
 */
import { readFileSync } from 'node:fs';
import { startSimHost, type SimHost } from '@carve/dom0-sim';
import { lowestFreeMinor } from '../../apps/dom0-sim/src/state/block-devices';
import { startDomain } from '../../apps/dom0-sim/src/state/domain-lifecycle';
import type { ChildMessage } from '../provision/child-process';
import { FLEET_HOST_SHAPE, FLEET_SERVER_SIZE, type FleetDomain, type FleetEndpoint } from './fleet-shape';

function flag(name: string): string {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? process.argv[index + 1] : undefined;
  if (value === undefined) throw new Error(`fleet-hosts needs ${name}`);
  return value;
}

function mac(host: number, domain: number): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `00:16:3e:${hex((host >> 8) & 0xff)}:${hex(host & 0xff)}:${hex(domain & 0xff)}`;
}

function startDomains(sim: SimHost, hostIndex: number, domains: readonly FleetDomain[]): void {
  const state = sim.state;
  const now = sim.now();
  domains.forEach((d, i) => {
    state.vg.lvs.push({ name: d.volumeName, sizeBytes: FLEET_SERVER_SIZE.diskGiB * 1024 ** 3, kernelMinor: lowestFreeMinor(state) });
    startDomain(
      state,
      {
        name: d.domainName,
        type: 'pvh',
        memoryMiB: FLEET_SERVER_SIZE.memoryMiB,
        maxMemMiB: FLEET_SERVER_SIZE.memoryMiB,
        vcpus: FLEET_SERVER_SIZE.vcpus,
        maxVcpus: FLEET_SERVER_SIZE.vcpus,
        cpuWeight: 256,
        capPercent: 0,
        bootloader: 'pygrub',
        disks: [{ target: `/dev/${state.vg.name}/${d.volumeName}`, vdev: 'xvda', access: 'w' }],
        vifs: [{ mac: mac(hostIndex, i), bridge: 'xenbr0' }],
        onPoweroff: 'destroy',
        onReboot: 'restart',
        onCrash: 'restart',
      },
      `/etc/xen/${d.domainName}.cfg`,
      now,
      d.profile,
    );
  });
}

async function main(): Promise<void> {
  const count = Number(flag('--hosts'));
  const firstIndex = Number(flag('--first'));
  const authorizedKey = readFileSync(flag('--authorized-key-file'), 'utf8').trim();
  const sims: SimHost[] = [];
  // In batches: a thousand key generations and listens at once only make the first ones slow.
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, k) =>
      startSimHost({ name: `collect-${String(firstIndex + i + k + 1).padStart(4, '0')}`, port: 0, authorizedKeys: [authorizedKey], timeFactor: 1, ...FLEET_HOST_SHAPE }),
    );
    sims.push(...(await Promise.all(batch)));
  }
  const byName = new Map(sims.map((s, i) => [s.name, { sim: s, index: firstIndex + i }]));
  const close = async (): Promise<void> => {
    await Promise.all(sims.map((s) => s.close()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('message', (message: ChildMessage) => {
    if (message.type !== 'domains') return;
    const hosts = message.hosts as { name: string; domains: FleetDomain[] }[];
    let started = 0;
    for (const h of hosts) {
      const entry = byName.get(h.name);
      if (!entry) throw new Error(`no simulated host ${h.name}`);
      startDomains(entry.sim, entry.index, h.domains);
      started += h.domains.length;
    }
    process.send!({ type: 'domains-started', started });
  });
  const hosts: FleetEndpoint[] = sims.map((s) => ({ name: s.name, port: s.port, hostKeyFingerprint: s.hostKeyFingerprint }));
  process.send!({ type: 'ready', hosts });
}

main().catch((error: unknown) => {
  console.error(`fleet-hosts: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});

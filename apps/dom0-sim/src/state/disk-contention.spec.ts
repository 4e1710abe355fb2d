import type { WorkloadProfileName } from '../workload-profiles';
import { DEFAULT_DISK_CAPACITY, diskContention } from './disk-contention';
import type { SimDomain, SimHostState } from './host-state';
import { createInitialState } from './initial-state';

const NOW = 1_750_000_000;

function hostWith(profiles: WorkloadProfileName[], disksEach = 1): SimHostState {
  const state = createInitialState({ name: 'io', totalMemoryMiB: 262144, dom0MemMiB: 4096, cpus: 16, vgName: 'vg0', vgSizeGiB: 1800 }, NOW);
  profiles.forEach((profile, i) => {
    const name = `d${i}`;
    const domain: SimDomain = {
      domid: i + 1, name, uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'pvh', configPath: `/etc/xen/${name}.cfg`,
      targetMiB: 1024, memoryMiB: 1024, maxMemMiB: 1024, vcpus: 2, maxVcpus: 2, cpuWeight: 256, capPercent: 0,
      disks: Array.from({ length: disksEach }, (_, k) => ({ target: `/dev/vg0/${name}-${k}`, vdev: `xvd${String.fromCharCode(97 + k)}`, access: 'w' as const })),
      vifs: [], onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy', startedAt: NOW, profile, counters: { baseAt: NOW, cpuSeconds: 0, vbds: {}, vifs: {} },
    };
    state.domains.push(domain);
  });
  return state;
}

/** Summed wait per request of one domain's VBDs. */
function msPerRequest(state: SimHostState, index: number): number {
  const flows = Object.values(diskContention(state).vbds.get(state.domains[index]) ?? {});
  return flows.reduce((s, f) => s + f.readMs + f.writeMs, 0) / flows.reduce((s, f) => s + f.readIos + f.writeIos, 0);
}

describe('disk contention model', () => {
  it('defaults to two SATA drives in RAID1: quiet domains use a small part of them', () => {
    expect(DEFAULT_DISK_CAPACITY).toEqual({ iops: 250, mbps: 180 });
    const quiet = diskContention(hostWith(['idle', 'idle', 'web', 'web', 'cpu-bound', 'network-heavy']));
    expect(quiet.utilisation).toBeLessThan(0.5);
    expect(quiet.scale).toBe(1);
    expect(diskContention(hostWith(['idle', 'idle'])).utilisation).toBeLessThan(0.05);
  });

  it('one io-heavy domain saturates the disks, scales everyone down alike and multiplies the neighbours\' latency', () => {
    const alone = hostWith(['idle', 'idle', 'idle']);
    const shared = hostWith(['idle', 'idle', 'io-heavy']);
    const c = diskContention(shared);
    expect(c.demand).toBeGreaterThan(4);
    expect(c.utilisation).toBeGreaterThan(0.9);
    expect(c.scale).toBeCloseTo(1 / c.demand, 12);
    const achieved = Object.values(c.vbds.get(shared.domains[0]) ?? {})[0];
    const asked = Object.values(diskContention(alone).vbds.get(alone.domains[0]) ?? {})[0];
    expect(achieved.writeIos / asked.writeIos).toBeCloseTo(c.scale, 12);
    expect(msPerRequest(alone, 0)).toBeLessThan(5);
    expect(msPerRequest(shared, 0) / msPerRequest(alone, 0)).toBeGreaterThan(10);
    // Waits are bounded: a closed system of guests does not queue forever.
    expect(msPerRequest(hostWith(['idle', 'io-heavy', 'io-heavy', 'io-heavy']), 0)).toBeLessThan(100);
  });

  it('oo_req only when ring-bound guests compete on saturated disks', () => {
    const oo = (state: SimHostState, index: number): number => Object.values(diskContention(state).vbds.get(state.domains[index]) ?? {}).reduce((s, f) => s + f.ooReqs, 0);
    const lone = hostWith(['idle', 'io-heavy']);
    expect([oo(lone, 0), oo(lone, 1)]).toEqual([0, 0]);
    const two = hostWith(['idle', 'io-heavy', 'io-heavy']);
    expect(oo(two, 0)).toBe(0);
    expect(oo(two, 1)).toBeGreaterThan(1);
    expect(oo(hostWith(['io-heavy', 'io-heavy', 'io-heavy']), 0)).toBeGreaterThan(oo(two, 1));
    // Disks with room to spare (an NVMe pair) never run the rings dry.
    const fast = hostWith(['io-heavy', 'io-heavy']);
    fast.storage.capacity = { iops: 200_000, mbps: 3000 };
    expect(diskContention(fast).utilisation).toBeLessThan(0.5);
    expect(oo(fast, 0)).toBe(0);
  });
});

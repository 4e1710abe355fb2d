import fc from 'fast-check';
import { parseLvs, parseVgs, parseXentop, parseXlInfo, parseXlList, parseXlListLong, parseXlUptime } from '@carve/xen';
import { runCommandLine } from './command-router';
import { FaultRules } from './faults';
import type { SimRuntime } from './sim-runtime';
import { countersAt } from './state/domain-counters';
import { freeMemoryMiB } from './state/domain-view';
import type { SimDomain, SimHostState } from './state/host-state';
import { createInitialState } from './state/initial-state';
import { SimClock } from './state/sim-clock';
import { WORKLOAD_PROFILES } from './workload-profiles';

// Property: whatever state the simulator is in, carve's parsers read its output back to that state.
const NOW = 1_750_000_000;

const domainArb = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9._-]{0,24}$/),
  memoryMiB: fc.integer({ min: 128, max: 4096 }),
  extraMem: fc.integer({ min: 0, max: 4096 }),
  vcpus: fc.integer({ min: 1, max: 8 }),
  extraVcpus: fc.integer({ min: 0, max: 8 }),
  profile: fc.constantFrom(...WORKLOAD_PROFILES),
  age: fc.integer({ min: 0, max: 90 * 86400 }),
  disks: fc.integer({ min: 0, max: 3 }),
  vifs: fc.integer({ min: 0, max: 2 }),
  type: fc.constantFrom('pv' as const, 'pvh' as const),
});

const stateArb = fc.record({
  domains: fc.uniqueArray(domainArb, { selector: (d) => d.name, maxLength: 8 }),
  hostAge: fc.integer({ min: 90 * 86400, max: 400 * 86400 }),
  lvSizesGiB: fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 6 }),
});

type StateInput = typeof stateArb extends fc.Arbitrary<infer T> ? T : never;

function buildState(input: StateInput): SimHostState {
  const state = createInitialState({ name: 'prop', totalMemoryMiB: 262144, dom0MemMiB: 4096, cpus: 16, vgName: 'vg0', vgSizeGiB: 1800 }, NOW - input.hostAge);
  state.dom0CpuBaseAt = state.bootedAt;
  input.lvSizesGiB.forEach((size, i) => state.vg.lvs.push({ name: `lv${i}`, sizeBytes: size * 1024 ** 3 }));
  input.domains.forEach((d, i) => {
    const domain: SimDomain = {
      domid: i + 1, name: d.name, uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: d.type, configPath: `/etc/xen/${d.name}.cfg`,
      targetMiB: d.memoryMiB, memoryMiB: d.memoryMiB, maxMemMiB: d.memoryMiB + d.extraMem, vcpus: d.vcpus, maxVcpus: d.vcpus + d.extraVcpus,
      cpuWeight: 256, capPercent: 0, bootloader: 'pygrub',
      disks: Array.from({ length: d.disks }, (_, k) => ({ target: `/dev/vg0/${d.name}-${k}`, vdev: `xvd${String.fromCharCode(97 + k)}`, access: 'w' as const })),
      vifs: Array.from({ length: d.vifs }, (_, k) => ({ devid: k, mac: `00:16:3e:00:0${i % 10}:0${k}`, bridge: 'xenbr0' })),
      onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy',
      startedAt: NOW - d.age, profile: d.profile, counters: { baseAt: NOW - d.age, cpuSeconds: 0, vbds: {}, vifs: {} },
    };
    state.domains.push(domain);
  });
  state.nextDomid = input.domains.length + 1;
  return state;
}

function runtimeFor(state: SimHostState): SimRuntime {
  const runtime: SimRuntime = {
    state,
    clock: new SimClock(NOW, 1, () => 0),
    faults: new FaultRules(),
    sleepSim: () => Promise.resolve(),
    replaceState: (s) => (runtime.state = s),
    freshState: () => state,
  };
  return runtime;
}

async function run(runtime: SimRuntime, line: string): Promise<string> {
  const result = await runCommandLine(line, { runtime, readStdin: () => Promise.resolve('') });
  if (result.exitCode !== 0) throw new Error(`${line}: ${result.stderr}`);
  return result.stdout;
}

describe('simulator output parses back to its state', () => {
  it('xl list, xl list -l, xl uptime, xentop, xl info, lvs, vgs', async () => {
    await fc.assert(
      fc.asyncProperty(stateArb, async (input) => {
        const state = buildState(input);
        const runtime = runtimeFor(state);
        const byDomid = new Map(state.domains.map((d) => [d.domid, d]));

        const list = parseXlList(await run(runtime, 'xl list'));
        expect(list.map((e) => e.name)).toEqual(['Domain-0', ...state.domains.map((d) => d.name)]);
        for (const e of list.slice(1)) {
          const d = byDomid.get(e.domid) as SimDomain;
          expect([e.name, e.memoryMiB, e.vcpus]).toEqual([d.name, d.memoryMiB, d.vcpus]);
          expect(Math.abs(e.cpuTimeSeconds - countersAt(state, d, NOW).cpuSeconds)).toBeLessThanOrEqual(0.05 + 1e-9);
        }

        const long = parseXlListLong(await run(runtime, 'xl list -l'));
        expect(long.map((l) => [l.domid, l.name, l.maxMemKiB, l.targetMemKiB, l.maxVcpus, l.availVcpus?.length, l.disks.length, l.nics.length])).toEqual(
          state.domains.map((d) => [d.domid, d.name, d.maxMemMiB * 1024, d.targetMiB * 1024, d.maxVcpus, d.vcpus, d.disks.length, d.vifs.length]),
        );

        const uptime = parseXlUptime(await run(runtime, 'xl uptime'));
        expect(uptime.map((u) => [u.domid, u.uptimeSeconds])).toEqual([[0, input.hostAge], ...state.domains.map((d) => [d.domid, NOW - d.startedAt])]);

        const top = parseXentop(await run(runtime, 'xentop -b -f -i 2 -d 1'));
        expect(top.iterations).toBe(2);
        for (const t of top.domains) {
          const d = state.domains.find((x) => x.name === t.name);
          if (!d) {
            expect(t.name).toBe('Domain-0');
            continue;
          }
          const c = countersAt(state, d, NOW);
          const sum = (k: 'rd_sect' | 'wr_req') => Object.values(c.vbds).reduce((s, v) => s + Math.floor(v[k]), 0);
          expect([t.memKiB, t.vcpus, t.vbds, t.nets, t.vbdRsect, t.vbdWr, t.cpuSeconds]).toEqual([d.memoryMiB * 1024, d.vcpus, d.disks.length, d.vifs.length, sum('rd_sect'), sum('wr_req'), Math.floor(c.cpuSeconds)]);
        }

        const info = parseXlInfo(await run(runtime, 'xl info'));
        expect([info.totalMemoryMiB, info.freeMemoryMiB, info.nrCpus, info.dom0MemoryMiB]).toEqual([262144, freeMemoryMiB(state), 16, 4096]);

        const lvs = parseLvs(await run(runtime, 'lvs --noheadings --units b --nosuffix -o lv_name,lv_size vg0'));
        expect([...lvs].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
          state.vg.lvs.map((lv) => ({ name: lv.name, sizeBytes: lv.sizeBytes })).sort((a, b) => a.name.localeCompare(b.name)),
        );
        const vgs = parseVgs(await run(runtime, 'vgs --noheadings --units b --nosuffix -o vg_size,vg_free vg0'));
        expect(vgs).toEqual({ sizeBytes: state.vg.sizeBytes, freeBytes: state.vg.sizeBytes - state.vg.lvs.reduce((s, lv) => s + lv.sizeBytes, 0) });
      }),
      { numRuns: 60 },
    );
  });
});

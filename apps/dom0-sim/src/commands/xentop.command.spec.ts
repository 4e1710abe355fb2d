import { describe, expect, it } from '@jest/globals';
import { parseXentop } from '@carve/xen';
import { runCommandLine } from '../command-router';
import { FaultRules } from '../faults';
import { XENTOP_HEADER } from '../format/xentop.format';
import type { SimRuntime } from '../sim-runtime';
import type { SimDomain, SimHostState } from '../state/host-state';
import { createInitialState } from '../state/initial-state';
import { SimClock } from '../state/sim-clock';

const NOW = 1_750_000_000;
// Mixed case so strcasecmp order differs from byte order; two names that agree in their first ten characters.
const NAMES = ['web1', 'Alpha', 'beta', 'customer-42.shop', 'customer-42.web'];

function hostWithDomains(): SimHostState {
  const state = createInitialState({ name: 'xentop-r', totalMemoryMiB: 65536, dom0MemMiB: 4096, cpus: 8, vgName: 'vg0', vgSizeGiB: 500 }, NOW - 86400);
  NAMES.forEach((name, i) => {
    const domain: SimDomain = {
      domid: i + 1, name, uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'pvh', configPath: `/etc/xen/${name}.cfg`,
      targetMiB: 1024, memoryMiB: 1024, maxMemMiB: 2048, vcpus: 1, maxVcpus: 2, cpuWeight: 256, capPercent: 0, bootloader: 'pygrub',
      disks: [{ target: `/dev/vg0/${name}-root`, vdev: 'xvda', access: 'w' }],
      vifs: [{ devid: 0, mac: `00:16:3e:00:00:0${i}`, bridge: 'xenbr0' }],
      onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy',
      startedAt: NOW - 3600, profile: 'web', counters: { baseAt: NOW - 3600, cpuSeconds: 0, vbds: {}, vifs: {} },
    };
    state.domains.push(domain);
  });
  state.nextDomid = NAMES.length + 1;
  return state;
}

/** A frozen clock, so two runs print the same numbers. */
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

const isRow = (line: string): boolean => line !== XENTOP_HEADER && !/^(VBD |Net\d+ )/.test(line);

describe('xentop -r in the simulator', () => {
  it.each(['-b -i 1', '-b -i 2 -d 1', '-b -f -i 3 -d 1', '-b -x -n -i 2 -d 1'])('prints the header before every domain row (%s)', async (flags) => {
    const runtime = runtimeFor(hostWithDomains());
    const plain = (await run(runtime, `xentop ${flags}`)).split('\n');
    const repeated = (await run(runtime, `xentop -r ${flags}`)).split('\n');
    // xentop's top(): `if (i == first_domain_index || repeat_header) do_header();` before each do_domain().
    const expected = plain.filter((line) => line !== XENTOP_HEADER).flatMap((line) => (isRow(line) && line !== '' ? [XENTOP_HEADER, line] : [line]));
    expect(repeated).toEqual(expected);
  });

  it('round-trips through parseXentop: every domain of the last iteration, and the real iteration count', async () => {
    const runtime = runtimeFor(hostWithDomains());
    const pairs = [['-b -i 2 -d 1', '-b -r -i 2 -d 1'], ['-b -x -n -i 3 -d 1', '-brxn -i 3 -d 1'], ['-b -f -i 2 -d 1', '-b -r -f -i 2 -d 1'], ['-b -i 1', '-b -r -i 1']];
    for (const [plainFlags, repeatedFlags] of pairs) {
      const plain = parseXentop(await run(runtime, `xentop ${plainFlags}`));
      const repeated = parseXentop(await run(runtime, `xentop ${repeatedFlags}`));
      expect(repeated).toEqual(plain);
      expect(repeated.domains).toHaveLength(NAMES.length + 1);
    }
    const full = parseXentop(await run(runtime, 'xentop -b -r -f -i 2 -d 1'));
    expect(full.iterations).toBe(2);
    expect(full.domains.map((d) => d.name)).toEqual(['Alpha', 'beta', 'customer-42.shop', 'customer-42.web', 'Domain-0', 'web1']);
    const cutText = await run(runtime, 'xentop -b -r -i 3 -d 1');
    expect(cutText.split('\n').filter((line) => line === XENTOP_HEADER)).toHaveLength(3 * (NAMES.length + 1));
    const cut = parseXentop(cutText);
    expect(cut.iterations).toBe(3);
    expect(cut.domains.map((d) => d.name)).toEqual(['Alpha', 'beta', 'customer-4', 'customer-4', 'Domain-0', 'web1']);
  });
});

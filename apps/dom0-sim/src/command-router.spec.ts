import { runCommandLine } from './command-router';
import { FaultRules } from './faults';
import type { SimRuntime } from './sim-runtime';
import { createInitialState } from './state/initial-state';
import { SimClock } from './state/sim-clock';
import { DOMAIN_CFG } from './testing/sim-client';

const NOW = 1_750_000_000.25;

/** A host whose clock stands still unless a test moves it. */
function host(): { runtime: SimRuntime; advance(seconds: number): void } {
  let real = 0;
  const clock = new SimClock(NOW, 1, () => real);
  const runtime: SimRuntime = {
    state: createInitialState({ name: 'router', totalMemoryMiB: 65536, dom0MemMiB: 4096, cpus: 16, vgName: 'vg0', vgSizeGiB: 1800 }, NOW - 86400),
    clock,
    faults: new FaultRules(),
    sleepSim: (seconds) => {
      real += seconds;
      return Promise.resolve();
    },
    replaceState: (s) => (runtime.state = s),
    freshState: () => runtime.state,
  };
  return { runtime, advance: (s) => (real += s) };
}

const run = (runtime: SimRuntime, line: string, stdin = '') => runCommandLine(line, { runtime, readStdin: () => Promise.resolve(stdin) });

describe('command lines as bash -c runs them', () => {
  it('runs `;` lists in turn: stdout and stderr each in order, the exit code of the last', async () => {
    const { runtime } = host();
    expect(await run(runtime, 'echo a  b; nosuch x; echo "c;d"')).toEqual({ stdout: 'a b\nc;d\n', stderr: 'bash: line 1: nosuch: command not found\n', exitCode: 0 });
    expect(await run(runtime, 'echo a; nosuch')).toEqual({ stdout: 'a\n', stderr: 'bash: line 1: nosuch: command not found\n', exitCode: 127 });
    expect(await run(runtime, 'echo -n a; echo -e "b\\tc"; echo')).toMatchObject({ stdout: 'ab\tc\n\n', exitCode: 0 });
    // A syntax error runs nothing.
    expect(await run(runtime, 'lvcreate -n x -L 1G vg0; ;')).toMatchObject({ stdout: '', exitCode: 2 });
    expect(runtime.state.vg.lvs).toEqual([]);
    // Later commands see what earlier ones did.
    expect((await run(runtime, 'lvcreate -n x -L 1G vg0; lvs --noheadings -o lv_name vg0')).stdout).toBe('  Logical volume "x" created.\n  x\n');
  });

  it('date prints the simulated clock, held for the whole line and moved on by sleeps', async () => {
    const { runtime, advance } = host();
    expect((await run(runtime, 'date +%s.%N')).stdout).toBe('1750000000.250000000\n');
    expect((await run(runtime, 'date +%s')).stdout).toBe('1750000000\n');
    expect((await run(runtime, 'date -u')).stdout).toBe('Sun Jun 15 15:06:40 UTC 2025\n');
    expect((await run(runtime, "date '+%F %T'")).stdout).toBe('2025-06-15 15:06:40\n');
    advance(1.5);
    expect((await run(runtime, 'date +%s.%N')).stdout).toBe('1750000001.750000000\n');
    // xentop -i 2 -d 3 sleeps three simulated seconds between its two iterations; the date after it shows them.
    const both = await run(runtime, 'date +%s; xentop -b -i 2 -d 3; date +%s');
    const stamps = both.stdout.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
    expect(stamps[1] - stamps[0]).toBe(3);
    expect((await run(runtime, 'date +%q')).exitCode).toBe(2);
    expect(await run(runtime, 'date tomorrow')).toEqual({ stdout: '', stderr: "date: invalid date 'tomorrow'\n", exitCode: 1 });
  });

  it('expands /sys globs in byte order; an unmatched one stays literal and grep says so (exit 2)', async () => {
    const { runtime } = host();
    for (const name of ['web1', 'web2']) {
      await run(runtime, `lvcreate -n ${name}-root -L 1G vg0`);
      await run(runtime, `cat > /etc/xen/${name}.cfg`, DOMAIN_CFG(name));
      await run(runtime, `xl create /etc/xen/${name}.cfg`);
    }
    const block = await run(runtime, 'grep -H . /sys/class/block/*/stat');
    expect(block.exitCode).toBe(0);
    const devices = block.stdout.trim().split('\n').map((l) => /^\/sys\/class\/block\/([^/]+)\/stat:/.exec(l)?.[1]);
    expect(devices).toEqual(['dm-0', 'dm-1', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `loop${i}`), 'md0', 'md1', 'md2', 'sda', 'sda1', 'sda2', 'sda3', 'sdb', 'sdb1', 'sdb2', 'sdb3']);

    const vifs = await run(runtime, 'grep -H . /sys/class/net/vif*/statistics/rx_bytes /sys/class/net/vif*/statistics/tx_bytes');
    expect(vifs.stdout.split('\n').map((l) => l.replace(/:\d+$/, ''))).toEqual([
      '/sys/class/net/vif1.0/statistics/rx_bytes', '/sys/class/net/vif2.0/statistics/rx_bytes',
      '/sys/class/net/vif1.0/statistics/tx_bytes', '/sys/class/net/vif2.0/statistics/tx_bytes', '',
    ]);
    // -H names the file even when there is only one; quoting keeps the star literal.
    expect((await run(runtime, 'grep -H . /sys/class/net/vif1.0/statistics/rx_bytes')).stdout).toMatch(/^\/sys\/class\/net\/vif1\.0\/statistics\/rx_bytes:\d+\n$/);
    expect((await run(runtime, "grep -H . '/sys/class/block/*/stat'")).exitCode).toBe(2);

    await run(runtime, 'xl destroy web1; xl destroy web2');
    expect(await run(runtime, 'grep -H . /sys/class/net/vif*/statistics/rx_bytes; echo @@end')).toEqual({
      stdout: '@@end\n',
      stderr: 'grep: /sys/class/net/vif*/statistics/rx_bytes: No such file or directory\n',
      exitCode: 0,
    });
    expect((await run(runtime, 'grep -H . /sys/class/net/vif*/statistics/rx_bytes')).exitCode).toBe(2);
    expect((await run(runtime, 'cat /sys/class/block/md2/stat')).stdout.split(' ').filter(Boolean)).toHaveLength(17);
  });
});

/**
 * Stand-ins for the Dom0 programs the agent runs (xl, vgs, lvs, lvcreate, lvextend): small
 * shell scripts on the agent's PATH that print xen-reference.md's outputs and log every run
 * (pid, start and end in nanoseconds, argv) so a test can prove what ran, how often and when.
 * A mode file per program makes it slow, wait for a gate, or hang with a grandchild.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const STUBBED_PROGRAMS = ['xl', 'vgs', 'lvs', 'lvcreate', 'lvextend'] as const;
export type StubbedProgram = (typeof STUBBED_PROGRAMS)[number];
/**
 * - `slow`: sleeps a third of a second between its start and end lines (overlap checks);
 * - `gate`: waits until the test opens the gate (a run held mid-operation, no clock involved);
 * - `hang`: starts a grandchild `sleep`, records both pids, and never finishes on its own.
 */
export type StubMode = 'normal' | 'slow' | 'gate' | 'hang';

const XL_LIST = [
  'Name                                        ID   Mem VCPUs\tState\tTime(s)',
  'Domain-0                                     0  4096     4     r-----   48211.7',
  'web1                                         3  2048     2     -b----   10432.9',
].join('\n');

export interface StubRun {
  readonly pid: number;
  readonly program: string;
  readonly argv: string[];
  readonly startNs: bigint;
  readonly endNs?: bigint;
}

export interface AgentStubs {
  /** Put first on the agent's PATH. */
  readonly binDir: string;
  readonly dir: string;
  setMode(program: StubbedProgram, mode: StubMode): void;
  openGate(): void;
  /** Every run so far, in start order. */
  runs(): StubRun[];
  /** The pids a `hang` run wrote: the stub itself and the sleep it started. */
  hungPids(): { child: number; grandchild: number } | undefined;
  reset(): void;
}

export function installAgentStubs(dir: string): AgentStubs {
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const log = join(dir, 'calls.log');
  writeFileSync(join(dir, 'xl-list.txt'), `${XL_LIST}\n`);
  for (const program of STUBBED_PROGRAMS) {
    const path = join(binDir, program);
    writeFileSync(path, stubScript(dir, program, log));
    chmodSync(path, 0o755);
  }
  const stubs: AgentStubs = {
    binDir,
    dir,
    setMode(program, mode) {
      writeFileSync(join(dir, `mode.${program}`), mode);
    },
    openGate() {
      writeFileSync(join(dir, 'gate.open'), '');
    },
    runs() {
      if (!existsSync(log)) return [];
      const starts = new Map<number, StubRun>();
      for (const line of readFileSync(log, 'utf8').split('\n')) {
        const [pid, event, ns, program, ...argv] = line.split(' ');
        if (!pid || !ns) continue;
        if (event === 'start') starts.set(Number(pid), { pid: Number(pid), program: program as string, argv, startNs: BigInt(ns) });
        else if (event === 'end') {
          const run = starts.get(Number(pid));
          if (run) starts.set(run.pid, { ...run, endNs: BigInt(ns) });
        }
      }
      return [...starts.values()].sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    },
    hungPids() {
      const child = join(dir, 'hang.child.pid');
      const grandchild = join(dir, 'hang.grandchild.pid');
      if (!existsSync(child) || !existsSync(grandchild)) return undefined;
      const read = (p: string) => Number(readFileSync(p, 'utf8').trim());
      if (!read(child) || !read(grandchild)) return undefined;
      return { child: read(child), grandchild: read(grandchild) };
    },
    reset() {
      writeFileSync(log, '');
      for (const program of STUBBED_PROGRAMS) stubs.setMode(program, 'normal');
      for (const name of ['gate.open', 'hang.child.pid', 'hang.grandchild.pid']) rmSync(join(dir, name), { force: true });
    },
  };
  stubs.reset();
  return stubs;
}

function stubScript(dir: string, program: StubbedProgram, log: string): string {
  // The directory is a temp path of letters, digits, '/', '-' and '_': safe inside single quotes.
  return `#!/bin/sh
dir='${dir}'
echo "$$ start $(date +%s%N) ${program} $*" >> '${log}'
mode=$(cat "$dir/mode.${program}" 2>/dev/null)
case "$mode" in
  slow) sleep 0.3 ;;
  gate) until [ -e "$dir/gate.open" ]; do sleep 0.05; done ;;
  hang)
    sleep 1000 &
    echo $! > "$dir/hang.grandchild.pid"
    echo $$ > "$dir/hang.child.pid"
    wait
    ;;
esac
case '${program}' in
  xl) cat "$dir/xl-list.txt" ;;
  vgs) echo '  1932735283200 858993459200' ;;
  lvs) printf '  web1-root 10737418240\\n  web1-swap 1073741824\\n' ;;
  lvcreate) echo "  Logical volume \\"$2\\" created." ;;
  lvextend) echo "  Logical volume $3 successfully resized." ;;
esac
echo "$$ end $(date +%s%N) ${program}" >> '${log}'
`;
}

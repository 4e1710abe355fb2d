import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; USER_HZ is 100 on every architecture Node runs on here. */
const TICKS_PER_SECOND = 100;

/** utime, stime, cutime, cstime of one process (ticks), or undefined once it is gone. */
function processTicks(pid: number | string): { own: number; reapedChildren: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; fields after it are fixed.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const field = (n: number): number => Number(fields[n - 3]);
    return { own: field(14) + field(15), reapedChildren: field(16) + field(17), comm };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of a shared service (PostgreSQL, Redis): every live process with that command
 * name, plus what exited ones left in their parent's reaped-children counters (a PostgreSQL
 * backend that closed counts there).
 */
function serviceTicks(comms: readonly string[]): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const t = processTicks(entry);
    if (t && comms.some((c) => t.comm.startsWith(c))) ticks += t.own + t.reapedChildren;
  }
  return ticks;
}

/** Busy and total ticks of the whole machine (all cores) from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const values = cpu!.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuSnapshot {
  atMs: number;
  ticks: Map<string, number>;
  machine: { busy: number; total: number };
}

/** Who is measured: processes the bench started (by pid) and the shared services by name. */
export class CpuMeter {
  private readonly pids = new Map<string, number>();

  constructor(private readonly services: Record<string, readonly string[]> = { postgres: ['postgres'], redis: ['redis-server'] }) {}

  watch(name: string, pid: number): void {
    this.pids.set(name, pid);
  }

  snapshot(): CpuSnapshot {
    const ticks = new Map<string, number>();
    for (const [name, pid] of this.pids) {
      const t = processTicks(pid);
      if (t) ticks.set(name, t.own);
    }
    for (const [name, comms] of Object.entries(this.services)) ticks.set(name, serviceTicks(comms));
    return { atMs: Date.now(), ticks, machine: machineTicks() };
  }

  /** CPU use between two snapshots, in % of one core (200% is both cores of this machine), per process and for the machine. */
  static between(before: CpuSnapshot, after: CpuSnapshot): { wallMs: number; percent: Map<string, number>; machineBusyPercent: number } {
    const wallS = (after.atMs - before.atMs) / 1000;
    const percent = new Map<string, number>();
    for (const [name, end] of after.ticks) {
      const start = before.ticks.get(name);
      if (start !== undefined && wallS > 0) percent.set(name, ((end - start) / TICKS_PER_SECOND / wallS) * 100);
    }
    const total = after.machine.total - before.machine.total;
    return { wallMs: after.atMs - before.atMs, percent, machineBusyPercent: total > 0 ? ((after.machine.busy - before.machine.busy) / total) * 100 : 0 };
  }
}

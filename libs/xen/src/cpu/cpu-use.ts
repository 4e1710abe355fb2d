import { XenArgumentError } from '../errors/xen-argument.error';

/** One domain's CPU use as a percent of ONE physical CPU (may exceed 100 with several vCPUs). */
export interface CpuUse {
  readonly name: string;
  readonly domid: number;
  readonly percentOfOneCpu: number;
}

/** What the CPU summary needs from `xl list` (or xm list --long). */
export interface CpuTimeReading {
  readonly name: string;
  readonly domid: number;
  readonly cpuTimeSeconds: number;
}

export interface UptimeReading {
  readonly domid: number;
  readonly uptimeSeconds: number;
}

/** A timed `xl list` reading; `takenAtMs` from the caller's clock. */
export interface CpuSample {
  readonly takenAtMs: number;
  readonly domains: readonly CpuTimeReading[];
}

/**
 * Lifetime average: cpu_time / uptime * 100, the classic per-domain summary.
 * Domains without an uptime, or with uptime 0 (just created), are left out
 * rather than reported as a division by zero.
 */
export function lifetimeCpuUse(domains: readonly CpuTimeReading[], uptimes: readonly UptimeReading[]): CpuUse[] {
  const uptimeByDomid = new Map(uptimes.map((u) => [u.domid, u.uptimeSeconds]));
  return domains.flatMap((d) => {
    const uptime = uptimeByDomid.get(d.domid);
    if (uptime === undefined || uptime <= 0) return [];
    return [{ name: d.name, domid: d.domid, percentOfOneCpu: (d.cpuTimeSeconds / uptime) * 100 }];
  });
}

/**
 * Current use between two samples: d(cpu) / d(wall) * 100, what xentop shows.
 * A domain is matched by domid AND name; one that is new, gone or recreated
 * (cpu time went backwards) between the samples is left out.
 */
export function currentCpuUse(before: CpuSample, after: CpuSample): CpuUse[] {
  const wallSeconds = (after.takenAtMs - before.takenAtMs) / 1000;
  if (!Number.isFinite(wallSeconds) || wallSeconds <= 0) {
    throw new XenArgumentError('after.takenAtMs', 'must be later than before.takenAtMs', after.takenAtMs);
  }
  const previous = new Map(before.domains.map((d) => [`${d.domid}\u0000${d.name}`, d.cpuTimeSeconds]));
  return after.domains.flatMap((d) => {
    const earlier = previous.get(`${d.domid}\u0000${d.name}`);
    if (earlier === undefined || d.cpuTimeSeconds < earlier) return [];
    return [{ name: d.name, domid: d.domid, percentOfOneCpu: ((d.cpuTimeSeconds - earlier) / wallSeconds) * 100 }];
  });
}

import type { UsageCoverage } from '@carve/metering';
import type { SeedWindow } from './span-plan';
import { HOUR_MS } from './usage-profiles';

/** Hours [from, to) that already hold usage, as sorted, disjoint ranges. */
export class CoveredHours {
  constructor(private readonly ranges: readonly (readonly [number, number])[]) {}

  has(hour: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [from, to] = this.ranges[mid]!;
      if (hour < from) hi = mid - 1;
      else if (hour >= to) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

export interface ExistingServerUsage {
  covered: CoveredHours;
  /** The worker's last reading of the server: its next span starts here, so no seeded hour may end after it. */
  meteredUntil?: number;
}

/** True when the seed must leave the hour alone: usage is there already, or the collector's next span will cover part of it. */
export function leaveAlone(existing: ExistingServerUsage | undefined, hour: number): boolean {
  if (!existing) return false;
  return existing.covered.has(hour) || (existing.meteredUntil !== undefined && hour + HOUR_MS > existing.meteredUntil);
}

/**
 * What metering already holds for servers, so a rerun, an interrupted run or a run over
 * servers the worker meters never counts an hour twice. UsageIngest skips a span whose
 * (server, start) is stored, but raw spans are dropped after METERING_RAW_RETENTION_HOURS
 * and the collector's spans start anywhere, so the seed asks metering's coverage (from the
 * hourly rollup) which hours hold usage, and the collector's cursor where its next span starts.
 */
export class ExistingUsage {
  constructor(private readonly coverage: UsageCoverage) {}

  async of(serverIds: readonly string[], window: SeedWindow): Promise<Map<string, ExistingServerUsage>> {
    const result = new Map<string, ExistingServerUsage>();
    const coverage = await this.coverage.of(serverIds, new Date(window.start), new Date(window.end));
    for (const [id, c] of coverage) result.set(id, { covered: new CoveredHours(c.hourRuns), meteredUntil: c.meteredUntil });
    return result;
  }
}

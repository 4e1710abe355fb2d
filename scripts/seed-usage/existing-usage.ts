import type { DataSource } from 'typeorm';
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
 * and the collector's spans start anywhere, so the seed asks the hourly rollup (kept
 * METERING_1H_RETENTION_MONTHS) which hours hold usage, and the collector's cursor where
 * its next span will start.
 *
 * It reads metering's tables by name because libs/metering exports no such read yet; it
 * belongs there (a coverage read beside UsageIngest), and this file should then call it.
 */
export class ExistingUsage {
  constructor(private readonly db: DataSource) {}

  async of(serverIds: readonly string[], window: SeedWindow): Promise<Map<string, ExistingServerUsage>> {
    const result = new Map<string, ExistingServerUsage>();
    if (serverIds.length === 0) return result;
    const ids = [...serverIds];
    // Runs of consecutive hours (gaps and islands): a year of one server is a handful of rows, not 8,760.
    const runs: { server_id: string; first: Date; last: Date }[] = await this.db.query(
      `SELECT server_id, min(bucket_start) AS first, max(bucket_start) AS last
         FROM (SELECT server_id, bucket_start,
                      bucket_start - (row_number() OVER (PARTITION BY server_id ORDER BY bucket_start)) * interval '1 hour' AS run
                 FROM (SELECT DISTINCT server_id, bucket_start FROM usage_1h
                        WHERE server_id = ANY($1::uuid[]) AND bucket_start >= $2 AND bucket_start < $3) hours) numbered
        GROUP BY server_id, run
        ORDER BY server_id, first`,
      [ids, new Date(window.start), new Date(window.end)],
    );
    const cursors: { server_id: string; read_at: Date }[] = await this.db.query(`SELECT server_id, read_at FROM metering_server_cursors WHERE server_id = ANY($1::uuid[])`, [ids]);
    const ranges = new Map<string, [number, number][]>();
    for (const r of runs) {
      const list = ranges.get(r.server_id) ?? [];
      list.push([new Date(r.first).getTime(), new Date(r.last).getTime() + HOUR_MS]);
      ranges.set(r.server_id, list);
    }
    const metered = new Map(cursors.map((c) => [c.server_id, new Date(c.read_at).getTime()]));
    for (const id of ids) {
      if (!ranges.has(id) && !metered.has(id)) continue;
      result.set(id, { covered: new CoveredHours(ranges.get(id) ?? []), meteredUntil: metered.get(id) });
    }
    return result;
  }
}

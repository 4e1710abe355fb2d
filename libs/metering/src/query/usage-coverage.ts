import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const HOUR_MS = 3_600_000;

/** What metering holds for one server: the hours with usage, and where the collector's next span starts. */
export interface ServerCoverage {
  /** Runs of consecutive hours [from, to) holding usage, oldest first (ms). */
  hourRuns: [number, number][];
  /** The collector's last reading of the server (ms): its next span starts here. */
  meteredUntil?: number;
}

/**
 * Which hours already hold usage, for writers of history (the seed) that must never count
 * an hour twice. Raw spans are dropped after METERING_RAW_RETENTION_HOURS, so coverage is
 * read from the hourly rollup (kept METERING_1H_RETENTION_MONTHS).
 */
@Injectable()
export class UsageCoverage {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Coverage of the servers within [from, to); servers with no usage and no reading are left out. */
  async of(serverIds: readonly string[], from: Date, to: Date): Promise<Map<string, ServerCoverage>> {
    const result = new Map<string, ServerCoverage>();
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
      [ids, from, to],
    );
    const cursors: { server_id: string; read_at: Date }[] = await this.db.query(`SELECT server_id, read_at FROM metering_server_cursors WHERE server_id = ANY($1::uuid[])`, [ids]);
    const entry = (id: string): ServerCoverage => {
      let coverage = result.get(id);
      if (!coverage) result.set(id, (coverage = { hourRuns: [] }));
      return coverage;
    };
    for (const r of runs) entry(r.server_id).hourRuns.push([new Date(r.first).getTime(), new Date(r.last).getTime() + HOUR_MS]);
    for (const c of cursors) entry(c.server_id).meteredUntil = new Date(c.read_at).getTime();
    return result;
  }
}

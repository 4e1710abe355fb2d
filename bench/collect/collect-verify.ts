/**
 * What the database says about the measured intervals, read after the worker stopped:
 * each reading of a host after its first writes one host_disk_samples row (from the
 * previous reading to this one, on the host's clock) and one span per server, so a host
 * read once in an interval has exactly one row whose end falls in it.
 */
import { Client } from 'pg';

export interface IntervalCheck {
  interval: number;
  /** Hosts with a reading ending in this interval. */
  hostsRead: number;
  /** Rows beyond one per host (a host read twice in one interval). */
  extraReadings: number;
  /** Servers with a span ending in this interval. */
  serversWithSpan: number;
  spanRows: number;
  gapSpans: number;
}

export interface DatabaseCheck {
  intervals: IntervalCheck[];
  hostCursors: number;
  serverCursors: number;
  losses: number;
  unknownDomainFindings: number;
  /** Hosts missing in at least one measured interval, by name (at most a few). */
  missedHosts: string[];
}

export async function checkDatabase(url: string, intervalMs: number, first: number, last: number): Promise<DatabaseCheck> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const bucket = (column: string) => `floor(extract(epoch FROM ${column}) * 1000 / ${intervalMs})::bigint`;
    const hostRows = await db.query<{ k: string; rows: string; hosts: string }>(
      `SELECT ${bucket('interval_end')} AS k, count(*) AS rows, count(DISTINCT host_id) AS hosts FROM host_disk_samples GROUP BY 1`,
    );
    const spanRows = await db.query<{ k: string; servers: string; rows: string; gaps: string }>(
      `SELECT ${bucket('interval_end')} AS k, count(DISTINCT server_id) AS servers, count(*) AS rows, count(*) FILTER (WHERE kind = 'gap') AS gaps FROM usage_samples GROUP BY 1`,
    );
    const hostsBy = new Map(hostRows.rows.map((r) => [Number(r.k), r]));
    const spansBy = new Map(spanRows.rows.map((r) => [Number(r.k), r]));
    const intervals: IntervalCheck[] = [];
    for (let k = first; k <= last; k += 1) {
      const h = hostsBy.get(k);
      const s = spansBy.get(k);
      intervals.push({
        interval: k,
        hostsRead: Number(h?.hosts ?? 0),
        extraReadings: Number(h?.rows ?? 0) - Number(h?.hosts ?? 0),
        serversWithSpan: Number(s?.servers ?? 0),
        spanRows: Number(s?.rows ?? 0),
        gapSpans: Number(s?.gaps ?? 0),
      });
    }
    const missed = await db.query<{ name: string }>(
      `SELECT h.name FROM hosts h
        WHERE h.status <> 'retired'
          AND (SELECT count(DISTINCT ${bucket('d.interval_end')}) FROM host_disk_samples d
                WHERE d.host_id = h.id AND ${bucket('d.interval_end')} BETWEEN $1 AND $2) < $3
        ORDER BY h.name LIMIT 5`,
      [first, last, last - first + 1],
    );
    const count = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    return {
      intervals,
      hostCursors: await count('SELECT count(*) AS n FROM metering_host_cursors'),
      serverCursors: await count('SELECT count(*) AS n FROM metering_server_cursors'),
      losses: await count('SELECT count(*) AS n FROM usage_losses'),
      unknownDomainFindings: await count(`SELECT count(*) AS n FROM drift_findings WHERE kind = 'unknown_domain'`),
      missedHosts: missed.rows.map((r) => r.name),
    };
  } finally {
    await db.end();
  }
}

/**
 * The "aggregate raw spans" baseline: what a graph costs without rollups. For 24 h the raw
 * spans are carve's own (usage_samples); raw spans are kept 48 h, so for 30 days and 12
 * months a table of one-minute spans over the whole year, bench_raw_year, is loaded for a
 * few of the graphed servers only. The SQL bins spans by their start into the graph's
 * buckets (date_bin) and sums every counter and the coverage, per bucket and server, as the
 * rollup read returns them; binning by start is cheaper than carve's exact apportioning,
 * so the baseline is, if anything, flattered.
 */
import { Client } from 'pg';
import { COPY_COLUMNS } from '../ingest/copy-baseline';

export const RAW_YEAR_TABLE = 'bench_raw_year';
const COUNTERS = COPY_COLUMNS.split(', ').slice(7, 18);

/** One-minute spans of the given servers from `fromMs` to `toMs`, time-major as the collector writes them, then indexed like usage_samples. */
export async function loadRawYear(client: Client, serverIds: readonly string[], fromMs: number, toMs: number): Promise<number> {
  await client.query('SET synchronous_commit = off');
  await client.query(`CREATE TABLE ${RAW_YEAR_TABLE} (LIKE usage_samples INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  const m = `(extract(epoch FROM t)::bigint / 60)`;
  const values = COUNTERS.map((_, i) => `((s.n * ${131 + i * 7} + ${m} * ${3 + i}) % ${900 + i * 1000}) * ${i === 3 || i === 4 ? 8192 : 1}`).join(', ');
  let rows = 0;
  const DAY_MS = 86_400_000;
  for (let t = fromMs; t < toMs; t += 30 * DAY_MS) {
    const result = await client.query(
      `INSERT INTO ${RAW_YEAR_TABLE} (${COPY_COLUMNS})
       SELECT s.id, s.id, s.id, s.id, t, t + interval '1 minute', 'measured', ${values}, 2048
         FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 minute', interval '1 minute') t
        CROSS JOIN (SELECT id, row_number() OVER () AS n FROM unnest($3::uuid[]) id) s`,
      [new Date(t), new Date(Math.min(t + 30 * DAY_MS, toMs)), [...serverIds]],
    );
    rows += result.rowCount ?? 0;
  }
  await client.query(`ALTER TABLE ${RAW_YEAR_TABLE} ADD PRIMARY KEY (server_id, interval_start)`);
  await client.query(`VACUUM (ANALYZE) ${RAW_YEAR_TABLE}`);
  return rows;
}

/** Raw spans of one server in [from, to) summed into buckets of `stepMs`: the points of a graph, from raw data. */
export function rawAggregateSql(table: string): string {
  return `SELECT date_bin(make_interval(secs => $4::int), interval_start, timestamptz '1970-01-01 00:00:00Z') AS bucket_start, server_id,
                 ${COUNTERS.map((c) => `sum(${c})::text AS ${c}`).join(', ')},
                 sum(extract(epoch FROM interval_end - interval_start) * 1000)::bigint::text AS covered_ms,
                 sum(CASE WHEN kind = 'gap' THEN extract(epoch FROM interval_end - interval_start) * 1000 ELSE 0 END)::bigint::text AS estimated_ms,
                 sum(memory_mib * extract(epoch FROM interval_end - interval_start) * 1000)::bigint::text AS memory_mib_ms
            FROM ${table} WHERE server_id = $1 AND interval_start >= $2 AND interval_start < $3
           GROUP BY 1, 2`;
}

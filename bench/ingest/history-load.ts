/**
 * Seeds the metering tables with history before the second ingest phase, straight in SQL
 * (INSERT ... SELECT over generate_series; setup, not measured): 60-second raw spans and
 * 5-minute rollups for the last `rawHours` before the bench's first reading, hourly and
 * daily rollups for the last `rollupDays`, for every server of `servers / 50` hosts (the
 * bench's own hosts among them, with the same ids). Values are synthetic; the layout (rows,
 * partitions, indexes) is what a fleet that size leaves behind.
 */
import { Client } from 'pg';
import { runLimited } from '../timing';
import { DOMAINS_PER_HOST, hostIdOf, ownersOf, serverIdOf } from './bench-fleet';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const FLEET_TABLE = 'bench_history_fleet';
const COUNTERS = 'cpu_ms, read_requests, write_requests, read_bytes, write_bytes, oo_requests, net_out_bytes, net_in_bytes, read_ticks_ms, write_ticks_ms, queue_ticks_ms';

export interface HistoryPlan {
  servers: number;
  /** Raw spans and 5-minute rollups for this many hours before `endMs`. */
  rawHours: number;
  /** Hourly and daily rollups for this many days before `endMs`. */
  rollupDays: number;
  /** The first reading of the bench; history ends here (an hour boundary). */
  endMs: number;
}

export interface HistoryLoaded {
  table: string;
  rows: number;
  from: Date;
  to: Date;
}

/** Synthetic counters for a span of `scale` minutes of server f.n starting at t. */
function counterValues(scale: number): string {
  const m = `(extract(epoch from t)::bigint / 60)`;
  return [
    `((f.n * 131 + ${m} * 17) % 30000) * ${scale}`,
    `((f.n * 7 + ${m}) % 900) * ${scale}`,
    `((f.n * 11 + ${m} * 3) % 2400) * ${scale}`,
    `((f.n * 13 + ${m}) % 900) * 16384 * ${scale}`,
    `((f.n * 17 + ${m} * 3) % 2400) * 8192 * ${scale}`,
    `(${m} % 97 = 0)::int * ${scale}`,
    `((f.n * 19 + ${m} * 29) % 100000) * 3000 * ${scale}`,
    `((f.n * 23 + ${m} * 7) % 100000) * 300 * ${scale}`,
    `((f.n * 3 + ${m}) % 4000) * ${scale}`,
    `((f.n * 5 + ${m}) % 9000) * ${scale}`,
    `((f.n * 29 + ${m}) % 20000) * ${scale}`,
  ].join(', ');
}

interface Chunk {
  table: string;
  from: number;
  to: number;
  sql: string;
  params: unknown[];
}

function rawChunk(from: number, to: number): Chunk {
  return {
    table: 'usage_samples',
    from,
    to,
    // Time-major, as the collector writes: every server's minute t, then t + 1 minute.
    sql: `INSERT INTO usage_samples (server_id, host_id, customer_id, pool_id, interval_start, interval_end, kind, ${COUNTERS}, memory_mib)
          SELECT f.server_id, f.host_id, f.customer_id, f.pool_id, t, t + interval '1 minute', 'measured', ${counterValues(1)}, f.memory_mib
            FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 minute', interval '1 minute') t CROSS JOIN ${FLEET_TABLE} f`,
    params: [new Date(from), new Date(to)],
  };
}

function rollupChunk(table: 'usage_5m' | 'usage_1h' | 'usage_1d', from: number, to: number, bucketMs: number, coveredMs: number): Chunk {
  const minutes = coveredMs / MINUTE_MS;
  return {
    table,
    from,
    to,
    sql: `INSERT INTO ${table} (server_id, host_id, customer_id, pool_id, bucket_start, ${COUNTERS}, covered_ms, estimated_ms, memory_mib_ms)
          SELECT f.server_id, f.host_id, f.customer_id, f.pool_id, t, ${counterValues(minutes)}, ${coveredMs}, 0, f.memory_mib::bigint * ${coveredMs}
            FROM generate_series($1::timestamptz, $2::timestamptz - interval '${bucketMs / 1000} seconds', interval '${bucketMs / 1000} seconds') t CROSS JOIN ${FLEET_TABLE} f`,
    params: [new Date(from), new Date(to)],
  };
}

/** [from, to) cut every `stepMs` and wherever a partition of `period` begins (UTC days or months). */
function ranges(from: number, to: number, stepMs: number, period: 'day' | 'month'): [number, number][] {
  const out: [number, number][] = [];
  for (let t = from; t < to; ) {
    const d = new Date(t);
    const boundary = period === 'day' ? (Math.floor(t / DAY_MS) + 1) * DAY_MS : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const end = Math.min(t + stepMs, boundary, to);
    out.push([t, end]);
    t = end;
  }
  return out;
}

function chunks(plan: HistoryPlan): Chunk[] {
  const rawFrom = plan.endMs - plan.rawHours * HOUR_MS;
  const rollupFrom = plan.endMs - plan.rollupDays * DAY_MS;
  const lastDay = Math.floor(plan.endMs / DAY_MS) * DAY_MS;
  return [
    ...ranges(rawFrom, plan.endMs, HOUR_MS, 'day').map(([from, to]) => rawChunk(from, to)),
    ...ranges(rawFrom, plan.endMs, 6 * HOUR_MS, 'day').map(([from, to]) => rollupChunk('usage_5m', from, to, 300_000, 300_000)),
    ...ranges(rollupFrom, plan.endMs, 2 * DAY_MS, 'month').map(([from, to]) => rollupChunk('usage_1h', from, to, HOUR_MS, HOUR_MS)),
    rollupChunk('usage_1d', Math.floor(rollupFrom / DAY_MS) * DAY_MS, lastDay, DAY_MS, DAY_MS),
    // The day of the first reading, covered up to it: the ingest then adds to that bucket.
    ...(lastDay < plan.endMs ? [rollupChunk('usage_1d', lastDay, lastDay + DAY_MS, DAY_MS, plan.endMs - lastDay)] : []),
  ];
}

interface Partition {
  name: string;
  parent: string;
  bound: string;
  fromMs: number;
  toMs: number;
}

/** Every partition of the partitioned usage tables, with its bound (all of them hold history: call before the bench writes any). */
async function partitionsOf(client: Client): Promise<Partition[]> {
  const { rows } = await client.query<{ name: string; parent: string; bound: string; from_ms: string; to_ms: string }>(
    `SELECT name, parent, bound,
            extract(epoch FROM (regexp_match(bound, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000 AS from_ms,
            extract(epoch FROM (regexp_match(bound, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000 AS to_ms
       FROM (SELECT c.relname AS name, p.relname AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
              WHERE p.relname = ANY($1)) partitions
      ORDER BY name`,
    [['usage_samples', 'usage_5m', 'usage_1h']],
  );
  return rows.map((r) => ({ name: r.name, parent: r.parent, bound: r.bound, fromMs: Number(r.from_ms), toMs: Number(r.to_ms) }));
}

function partitionFor(partitions: readonly Partition[], chunk: Chunk): Partition {
  const found = partitions.find((p) => p.parent === chunk.table && p.fromMs <= chunk.from && chunk.to <= p.toMs);
  if (!found) throw new Error(`no partition of ${chunk.table} holds ${new Date(chunk.from).toISOString()}..${new Date(chunk.to).toISOString()}: call MeteringPartitions.ensure first`);
  return found;
}

/**
 * A partition taken out of its table with its indexes dropped: rows then load at heap
 * speed, and attaching it again builds each index in one sorted pass (the indexes come
 * out compact, as after a REINDEX, where years of inserts would leave them less dense).
 */
async function detachBare(client: Client, partition: Partition): Promise<void> {
  await client.query(`ALTER TABLE ${partition.parent} DETACH PARTITION ${partition.name}`);
  const { rows: keys } = await client.query<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u')`, [partition.name]);
  for (const key of keys) await client.query(`ALTER TABLE ${partition.name} DROP CONSTRAINT ${key.conname}`);
  const { rows: indexes } = await client.query<{ name: string }>(`SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = $1::regclass`, [partition.name]);
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
}

async function inLanes(sessions: Client[], count: number, task: (client: Client, index: number) => Promise<void>): Promise<void> {
  const free = [...sessions];
  await runLimited(count, sessions.length, async (i) => {
    const client = free.pop()!;
    try {
      await task(client, i);
    } finally {
      free.push(client);
    }
  });
}

/**
 * Loads the plan with `lanes` sessions at once. The partitions of the range must exist
 * (MeteringPartitions.ensure) and be empty. Commits are not waited for
 * (synchronous_commit off in these sessions only): this is setup, not what is measured.
 */
export async function loadHistory(databaseUrl: string, plan: HistoryPlan, lanes: number, say: (line: string) => void): Promise<HistoryLoaded[]> {
  const started = Date.now();
  const since = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const sessions = await Promise.all(
    Array.from({ length: lanes }, async () => {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query('SET synchronous_commit = off');
      return client;
    }),
  );
  const admin = sessions[0]!;
  const rows = new Map<string, number>();
  try {
    await admin.query(`CREATE TABLE ${FLEET_TABLE} (n int PRIMARY KEY, server_id uuid NOT NULL, host_id uuid NOT NULL, customer_id uuid NOT NULL, pool_id uuid NOT NULL, memory_mib int NOT NULL)`);
    const ns = Array.from({ length: plan.servers }, (_, n) => n);
    await admin.query(`INSERT INTO ${FLEET_TABLE} SELECT * FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int[])`, [
      ns,
      ns.map(serverIdOf),
      ns.map((n) => hostIdOf(Math.floor(n / DOMAINS_PER_HOST))),
      ns.map((n) => ownersOf(n).customerId),
      ns.map((n) => ownersOf(n).poolId),
      ns.map((n) => 1024 << n % 4),
    ]);
    const partitions = await partitionsOf(admin);
    for (const partition of partitions) await detachBare(admin, partition);

    const work = chunks(plan);
    say(`history: ${partitions.length} partitions detached and bare; inserting ${work.length} chunks, ${lanes} at once`);
    await inLanes(sessions, work.length, async (client, i) => {
      const chunk = work[i]!;
      // Rows go straight to the bare partition their range lies in.
      const target = chunk.table === 'usage_1d' ? chunk.table : partitionFor(partitions, chunk).name;
      const result = await client.query(chunk.sql.replace(`INSERT INTO ${chunk.table} `, `INSERT INTO ${target} `), chunk.params);
      rows.set(chunk.table, (rows.get(chunk.table) ?? 0) + (result.rowCount ?? 0));
    });
    say(`history: rows inserted after ${since()}; attaching the partitions again (builds their indexes)`);
    // Interleaved by table: two attaches to one table wait for each other's lock.
    const attach = [...partitions].sort((a, b) => a.name.slice(a.parent.length).localeCompare(b.name.slice(b.parent.length)) || a.parent.localeCompare(b.parent));
    await inLanes(sessions, attach.length, async (client, i) => {
      const p = attach[i]!;
      await client.query(`ALTER TABLE ${p.parent} ATTACH PARTITION ${p.name} ${p.bound}`);
    });
    await admin.query(`DROP TABLE ${FLEET_TABLE}`);
    say(`history: loaded and indexed after ${since()}`);
  } finally {
    await Promise.all(sessions.map((s) => s.end()));
  }
  const rawFrom = new Date(plan.endMs - plan.rawHours * HOUR_MS);
  const rollupFrom = new Date(plan.endMs - plan.rollupDays * DAY_MS);
  const to = new Date(plan.endMs);
  return [
    { table: 'usage_samples', rows: rows.get('usage_samples') ?? 0, from: rawFrom, to },
    { table: 'usage_5m', rows: rows.get('usage_5m') ?? 0, from: rawFrom, to },
    { table: 'usage_1h', rows: rows.get('usage_1h') ?? 0, from: rollupFrom, to },
    { table: 'usage_1d', rows: rows.get('usage_1d') ?? 0, from: new Date(Math.floor(rollupFrom.getTime() / DAY_MS) * DAY_MS), to },
  ];
}

/** What a long-lived table has had done to it: vacuumed (visibility map, hint bits), analyzed, and checkpointed so the next phase starts without the load's dirty pages. */
export async function settle(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE) usage_samples, usage_5m, usage_1h, usage_1d');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

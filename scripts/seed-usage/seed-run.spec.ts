// Medium test: the seed against a migrated PostgreSQL, through the real Nest context and
// UsageIngest, checked by reading the tables it wrote.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@carve/config';
import { COUNTER_COLUMN_LIST, ReadingCursors, ZERO_COUNTERS } from '@carve/metering';
import { clearRedisPrefix, createTestDatabase, TEST_REDIS_URL, TestDatabase, uniqueName } from '@carve/testing';
import { DataSource } from 'typeorm';
import { SERVERS_PER_SEED_HOST } from './seed-fleet';
import { SeedOptions } from './seed-options';
import { runSeedUsage } from './seed-run';
import { SeedUsageModule } from './seed-usage.module';
import { HOUR_MS, MINUTE_MS } from './usage-profiles';

// Two days back, so the last test can seed the hours after it.
const END = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 48 * HOUR_MS;
const OPTIONS: SeedOptions = { servers: 3, days: 3, end: END, serverIds: [], seed: 42, batchSpans: 1000, concurrency: 2, profiles: new Map(), poolsFromStart: false };
const SUMS = COUNTER_COLUMN_LIST.map((c) => `sum(${c})::text AS ${c}`).join(', ');

let database: TestDatabase;
let app: INestApplicationContext;
let db: DataSource;
const prefix = uniqueName('seed');
const lines: string[] = [];
const io = { say: (line: string) => lines.push(line) };

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, METERING_RAW_RETENTION_HOURS: String(24 * 90) }); // raw spans kept: the test compares them with the rollups
  app = await NestFactory.createApplicationContext(SeedUsageModule.forRoot(config), { logger: false });
  db = app.get(DataSource);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
  await clearRedisPrefix(prefix);
});

/** Counter sums per server over the window, from the raw spans and from each rollup. */
async function sums(): Promise<Record<string, Record<string, string>[]>> {
  const out: Record<string, Record<string, string>[]> = {};
  for (const table of ['usage_samples', 'usage_5m', 'usage_1h', 'usage_1d']) {
    out[table] = await db.query(`SELECT server_id, ${SUMS}, count(*)::int AS rows FROM ${table} GROUP BY server_id ORDER BY server_id`);
  }
  return out;
}

const withoutRows = (rows: Record<string, string>[]) => rows.map(({ rows: _rows, ...rest }) => rest);

describe('npm run seed:usage on a migrated database', () => {
  it('makes 3 servers as built, writes 3 days of usage whose raw and rollup sums agree per counter, and a second run adds nothing', async () => {
    const first = await runSeedUsage(app, OPTIONS, io);
    expect(first).toMatchObject({ servers: 3, created: 3, interrupted: false });
    expect(first.totals.spansAdded).toBe(first.totals.spansSent);
    expect(first.totals.spansAdded).toBeGreaterThan(3 * (24 + 2 * 24 * 60) - 3 * 60);

    // Synthetic servers as a create job leaves them, on a host of their own that nothing connects to.
    const servers: { state: string; host_status: string; disk_state: string; pool_kind: string; customer: string }[] = await db.query(
      `SELECT s.state, h.status AS host_status, d.state AS disk_state, p.kind AS pool_kind, c.name AS customer
         FROM servers s JOIN hosts h ON h.id = s.host_id JOIN server_disks d ON d.server_id = s.id JOIN pools p ON p.id = s.pool_id JOIN customers c ON c.id = s.customer_id`,
    );
    expect(servers).toEqual(Array(3).fill({ state: 'running', host_status: 'retired', disk_state: 'present', pool_kind: 'dedicated', customer: 'seed customer 1' }));
    const [reserved] = await db.query(`SELECT server_count, allocated_vcpus > 0 AS reserved FROM hosts`);
    expect(reserved).toEqual({ server_count: 3, reserved: true });
    expect(SERVERS_PER_SEED_HOST).toBeGreaterThanOrEqual(3);

    // Every counter sums the same in the raw spans and in each rollup, server by server.
    const after = await sums();
    expect(after.usage_samples).toHaveLength(3);
    for (const rollup of ['usage_5m', 'usage_1h', 'usage_1d']) expect(withoutRows(after[rollup]!)).toEqual(withoutRows(after.usage_samples!));
    expect(after.usage_samples!.every((r) => COUNTER_COLUMN_LIST.filter((c) => c !== 'oo_requests').every((c) => Number(r[c]) > 0))).toBe(true);

    // The window is covered once: no overlap, no hole; hourly spans a day, then minutes (a few of them gaps).
    const coverage: { covered: string; estimated: string; gap_ms: string }[] = await db.query(
      `SELECT (SELECT sum(covered_ms) FROM usage_1h)::text AS covered, (SELECT sum(estimated_ms) FROM usage_1h)::text AS estimated,
              (SELECT coalesce(sum(extract(epoch FROM interval_end - interval_start) * 1000), 0) FROM usage_samples WHERE kind = 'gap')::bigint::text AS gap_ms`,
    );
    expect(coverage[0]).toEqual({ covered: String(3 * 3 * 24 * HOUR_MS), estimated: coverage[0]!.gap_ms, gap_ms: coverage[0]!.gap_ms });
    const holes: unknown[] = await db.query(
      `SELECT * FROM (SELECT interval_end, lead(interval_start) OVER (PARTITION BY server_id ORDER BY interval_start) AS next FROM usage_samples) t WHERE next IS NOT NULL AND next <> interval_end`,
    );
    expect(holes).toEqual([]);
    const [shape] = await db.query(
      `SELECT count(*) FILTER (WHERE interval_end - interval_start = interval '1 hour')::int AS hourly,
              count(*) FILTER (WHERE interval_end - interval_start = interval '1 minute')::int AS minutes,
              min(interval_start) AS first, max(interval_end) AS last FROM usage_samples`,
    );
    expect(shape).toMatchObject({ hourly: 3 * 24, first: new Date(END - 3 * 24 * HOUR_MS), last: new Date(END) });
    expect(shape.minutes).toBeGreaterThan(3 * 2 * 24 * 60 - 3 * 60);

    const second = await runSeedUsage(app, OPTIONS, io);
    expect(second).toMatchObject({ servers: 3, created: 0, totals: { spansSent: 0, spansAdded: 0, hoursSkipped: 3 * 3 * 24 } });
    expect(await sums()).toEqual(after);

    // The worker drops raw days after METERING_RAW_RETENTION_HOURS; the rollups still tell a third run what is written.
    await db.query(`DELETE FROM usage_samples WHERE interval_start < $1`, [new Date(END - 2 * 24 * HOUR_MS)]);
    const third = await runSeedUsage(app, { ...OPTIONS, days: 4 }, io);
    expect(third.totals).toMatchObject({ spansSent: 3 * 24, spansAdded: 3 * 24, hoursSkipped: 3 * 3 * 24 });
    const extended = await sums();
    for (const rollup of ['usage_1h', 'usage_1d']) {
      for (const [i, row] of extended[rollup]!.entries()) expect(Number(row.cpu_ms)).toBeGreaterThan(Number(after[rollup]![i]!.cpu_ms));
    }
    expect(lines.some((l) => /3\/3 servers, .* spans written/.test(l))).toBe(true);
  }, 120_000);

  it('leaves a server the worker meters alone from its last reading on', async () => {
    const [server]: { id: string; host_id: string }[] = await db.query(`SELECT id, host_id FROM servers ORDER BY name LIMIT 1`);
    const readAt = END + 30 * HOUR_MS + 20 * MINUTE_MS;
    await db.transaction((manager) =>
      app.get(ReadingCursors).saveServers(manager, [{ serverId: server!.id, hostId: server!.host_id, domid: 7, readAt, counters: ZERO_COUNTERS, volumes: {}, memoryMiB: 1024, domainSince: readAt - 60_000 }]),
    );
    const end = END + 32 * HOUR_MS;
    const run = await runSeedUsage(app, { ...OPTIONS, servers: 1, serverIds: [server!.id], end, days: 2 }, io);

    const [written] = await db.query(`SELECT max(interval_end) AS last FROM usage_samples WHERE server_id = $1`, [server!.id]);
    expect(new Date(written.last).getTime()).toBe(END + 30 * HOUR_MS);
    // Hours already written (the first 16 of the window) and the two that end after the reading are skipped; the 30 between are new.
    expect(run.totals).toMatchObject({ hoursSkipped: 16 + 2, spansAdded: expect.any(Number) });
    expect(run.totals.spansAdded).toBeGreaterThan(29 * 60);
  }, 60_000);
});

describe('a seed reaching past the 5-minute rollup retention, with chosen profiles and backdated pools', () => {
  let shortDb: TestDatabase;
  let shortApp: INestApplicationContext;
  const shortPrefix = uniqueName('seedshort');

  beforeAll(async () => {
    shortDb = await createTestDatabase({ migrate: true });
    const config = loadConfig({ DATABASE_URL: shortDb.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: shortPrefix, METERING_5M_RETENTION_DAYS: '1' });
    shortApp = await NestFactory.createApplicationContext(SeedUsageModule.forRoot(config), { logger: false });
  }, 60_000);

  afterAll(async () => {
    await shortApp?.close();
    await shortDb?.drop();
    await clearRedisPrefix(shortPrefix);
  });

  it('writes 5-minute rows only where they are kept, hourly and daily rows for all of it, the chosen profile, and pools sized from the start', async () => {
    const db2 = shortApp.get(DataSource);
    const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const base = { ...OPTIONS, servers: 2, days: 4, end };
    // A first run makes the servers; the second seeds them again over a longer window, one as io-heavy, pools from its start.
    await runSeedUsage(shortApp, { ...base, days: 1 }, io);
    const made: { id: string; pool_id: string }[] = await db2.query(`SELECT id, pool_id FROM servers ORDER BY name`);
    const [heavy, other] = made;
    const run = await runSeedUsage(shortApp, { ...base, serverIds: made.map((s) => s.id), profiles: new Map([[heavy!.id, 'io-heavy'], [other!.id, 'idle']]), poolsFromStart: true }, io);
    expect(run.interrupted).toBe(false);

    // 5-minute rows start at the oldest day the retention keeps (one day back, from its UTC midnight); hourly rows go back 4 days.
    const keptFrom = Math.floor((Date.now() - 86_400_000) / 86_400_000) * 86_400_000;
    const [range] = await db2.query(
      `SELECT (SELECT min(bucket_start) FROM usage_5m) AS first5m, (SELECT min(bucket_start) FROM usage_1h) AS first1h,
              (SELECT sum(cpu_ms)::text FROM usage_1h) AS cpu1h, (SELECT sum(cpu_ms)::text FROM usage_1d) AS cpu1d`,
    );
    expect(new Date(range.first5m).getTime()).toBe(keptFrom);
    expect(new Date(range.first1h).getTime()).toBe(end - 4 * 24 * HOUR_MS);
    expect(range.cpu1h).toBe(range.cpu1d);
    const partitions: { name: string }[] = await db2.query(`SELECT relname AS name FROM pg_class WHERE relname LIKE 'usage_5m_p%' AND relkind = 'r' ORDER BY relname`);
    expect(partitions.every((p) => Date.UTC(+p.name.slice(10, 14), +p.name.slice(14, 16) - 1, +p.name.slice(16, 18)) >= keptFrom)).toBe(true);

    // The last day was written by the first run, with profiles drawn from the servers' random ids: compare the days before it.
    const diskBytes: { server_id: string; bytes: string }[] = await db2.query(
      `SELECT server_id, sum(read_bytes + write_bytes)::text AS bytes FROM usage_1h WHERE bucket_start < $1 GROUP BY server_id`,
      [new Date(end - 24 * HOUR_MS)],
    );
    const bytes = new Map(diskBytes.map((r) => [r.server_id, BigInt(r.bytes)]));
    expect(bytes.get(heavy!.id)!).toBeGreaterThan(bytes.get(other!.id)! * 10n);

    const firstSizes: { at: Date }[] = await db2.query(`SELECT min(effective_at) AS at FROM pool_size_changes WHERE pool_id = ANY($1::uuid[]) GROUP BY pool_id`, [made.map((s) => s.pool_id)]);
    expect(firstSizes.map((r) => new Date(r.at).getTime())).toEqual(firstSizes.map(() => end - 4 * 24 * HOUR_MS));
  }, 120_000);
});

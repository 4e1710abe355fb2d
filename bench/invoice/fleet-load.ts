/**
 * Loads a billing month for `customers` customers straight in SQL (INSERT ... SELECT over
 * generate_series; setup, not measured) into the tables carve's own code writes: customers
 * (tax rates), hosts, an image, pools with their size history (pools created before and
 * during the month, resized inside it, deleted inside it; dedicated rentals with a monthly
 * price), two price book versions (the second from the middle of the month), servers, and
 * the hourly usage rollups (usage_1h) metering's ingest leaves for every server over the
 * month, time-major as the ingest writes them. Values are synthetic and deterministic.
 *
 * To load tens of millions of rows in minutes on two cores, the month's usage_1h partition is
 * created UNLOGGED (no WAL: only crash safety differs, reads are the same) and its primary key
 * and indexes are dropped during the load and rebuilt with the same definitions after it.
 */
import { Client } from 'pg';
import type { BillingPeriod } from '@carve/billing';
import { runLimited } from '../timing';

const HOUR_MS = 3_600_000;
const FLEET = 'bench_invoice_fleet';
const PLAN = 'bench_invoice_pools';
const COUNTERS = 'cpu_ms, read_requests, write_requests, read_bytes, write_bytes, oo_requests, net_out_bytes, net_in_bytes, read_ticks_ms, write_ticks_ms, queue_ticks_ms';
/** Shared-host servers per host. */
const SERVERS_PER_HOST = 100;
/** Hours of usage per INSERT statement, and statements in flight (the machine has two cores). */
const HOURS_PER_CHUNK = 12;
const LOAD_LANES = 2;

export interface FleetPlan {
  customers: number;
  serversPerCustomer: number;
  period: BillingPeriod;
}

export interface FleetLoaded {
  customers: number;
  pools: number;
  poolsResized: number;
  poolsDeleted: number;
  poolsCreatedInPeriod: number;
  dedicated: number;
  servers: number;
  usageRows: number;
  usageBytes: number;
  /** Heap pages of the month's usage_1h partition. */
  usagePages: number;
  loadMs: number;
}

/** The pools each customer has, sizes in the period, and the hours their servers report. */
function planSql(plan: FleetPlan): string {
  const spc = plan.serversPerCustomer;
  const start = `'${new Date(plan.period.start).toISOString()}'::timestamptz`;
  const end = `'${new Date(plan.period.end).toISOString()}'::timestamptz`;
  // Slot a: every customer's web pool (all servers but the last when there is a slot b);
  // slot b: odd customers' db pool with one server, deleted in the month for one in ten;
  // slot d: a dedicated rental for one customer in 50 (one in 100 starting in the month).
  return `CREATE TABLE ${PLAN} AS
    WITH c AS (SELECT c, md5('bench customer ' || c)::uuid AS customer_id, (c % 2 = 1 AND ${spc} >= 2) AS has_b FROM generate_series(1, ${plan.customers}) c),
    a AS (
      SELECT c.c, c.customer_id, 'a'::text AS slot, 'web'::text AS name, 'shared'::text AS kind,
             CASE WHEN c.has_b THEN ${spc} - 1 ELSE ${spc} END AS servers, (c.c - 1) * ${spc} + 1 AS first_server,
             CASE WHEN c.c % 7 = 3 THEN ${start} + make_interval(hours => (c.c * 37) % 600, secs => c.c % 3600)
                  ELSE ${start} - make_interval(days => 1 + c.c % 40, secs => c.c % 86400) END AS created_at,
             NULL::numeric AS monthly_price
        FROM c),
    a_sized AS (
      SELECT a.*,
             1024 * (1 + c % 4) * servers AS ram, (1 + c % 3) * servers AS vcpus, 20 * (1 + c % 5) * servers AS disk, 500 * (1 + c % 4) * servers AS transfer,
             CASE WHEN c % 3 = 0 THEN least(greatest(${start} + make_interval(hours => (c * 7919) % 700, secs => (c * 13) % 3600), created_at + interval '1 day'), ${end} - interval '1 hour') END AS resized_at,
             NULL::timestamptz AS deleted_at
        FROM a),
    b AS (
      SELECT c.c, c.customer_id, 'b', 'db', 'shared', 1, c.c * ${spc}, ${start} - interval '10 days', NULL::numeric,
             4096, 2, 100, 1000, NULL::timestamptz,
             CASE WHEN c.c % 10 = 1 THEN ${start} + make_interval(hours => 24 + (c.c * 53) % 650, secs => c.c % 1800) END
        FROM c WHERE c.has_b),
    d AS (
      SELECT c.c, c.customer_id, 'd', 'box', 'dedicated', 0, 0,
             CASE WHEN c.c % 100 = 0 THEN ${start} + interval '9 days 3 hours 17 minutes' ELSE ${start} - interval '90 days' END,
             (100 + (c.c % 7) * 10.5)::numeric,
             65536, 16, 1000, 0, NULL::timestamptz, NULL::timestamptz
        FROM c WHERE c.c % 50 = 0)
    SELECT md5('bench pool ' || slot || ' ' || c)::uuid AS pool_id, * FROM (SELECT * FROM a_sized UNION ALL SELECT * FROM b UNION ALL SELECT * FROM d) p`;
}

/** Synthetic hourly counters for server f.k at hour h (hours since the epoch). */
const COUNTER_VALUES = [
  `((f.k * 131 + h * 17) % 7200) * 1000`,
  `((f.k * 7 + h) % 900) * 10`,
  `(f.k * 11 + h * 3) % 2400`,
  `((f.k * 13 + h) % 900) * 4194304`,
  `((f.k * 17 + h * 3) % 2400) * 1048576`,
  `0`,
  `((f.k * 19 + h * 29) % 100000) * 30000`,
  `((f.k * 23 + h * 7) % 100000) * 3000`,
  `(f.k * 3 + h) % 4000`,
  `(f.k * 5 + h) % 9000`,
  `(f.k * 29 + h) % 20000`,
].join(', ');

export async function loadFleet(url: string, plan: FleetPlan, say: (line: string) => void): Promise<FleetLoaded> {
  const started = Date.now();
  const { period } = plan;
  const servers = plan.customers * plan.serversPerCustomer;
  const sharedHosts = Math.ceil(servers / SERVERS_PER_HOST);
  const client = new Client({ connectionString: url, application_name: 'carve bench:invoice load' });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(`SET work_mem = '64MB'`);
    await client.query(planSql(plan));
    await client.query(`ANALYZE ${PLAN}`);

    await client.query(
      `INSERT INTO customers (id, name, contact_email, tax_rate, created_at)
       SELECT md5('bench customer ' || c)::uuid, 'bench-' || lpad(c::text, 6, '0'), 'billing-' || c || '@bench.invalid',
              (ARRAY['0', '0.10', '0.19'])[1 + c % 3]::numeric, $1::timestamptz - interval '100 days'
         FROM generate_series(1, $2::int) c`,
      [new Date(period.start), plan.customers],
    );
    const hostColumns = `name, ssh_address, host_key_fingerprint, cpu_threads, total_memory_mib, dom0_memory_mib, volume_group, volume_group_size_gib, transfer_allowance_gb, uplink_mbit, monthly_cost_minor, currency`;
    await client.query(
      `INSERT INTO hosts (id, ${hostColumns})
       SELECT md5('bench host ' || h)::uuid, 'bench-host-' || h, 'host-' || h || '.bench.invalid', 'SHA256:bench-host-' || h, 64, 1048576, 4096, 'vg0', 100000, 100000, 10000, 50000, 'EUR'
         FROM generate_series(1, $1::int) h`,
      [sharedHosts],
    );
    await client.query(
      `INSERT INTO hosts (id, ${hostColumns}, dedicated_customer_id)
       SELECT md5('bench dedicated host ' || c)::uuid, 'bench-dedicated-' || c, 'dedicated-' || c || '.bench.invalid', 'SHA256:bench-dedicated-' || c, 16, 65536, 2048, 'vg0', 1000, 0, 1000, 9000, 'EUR', customer_id
         FROM ${PLAN} WHERE slot = 'd'`,
    );
    const [image] = (await client.query(`INSERT INTO images (name, archive_path) VALUES ('bench-image', '/images/bench.tar') RETURNING id`)).rows as { id: string }[];
    say(`${plan.customers} customers, ${sharedHosts} shared hosts and the price book`);

    await client.query(
      `INSERT INTO pools (id, customer_id, name, kind, host_id, memory_mib, vcpus, disk_gib, transfer_gb, billing, monthly_price, created_at, updated_at, deleted_at)
       SELECT pool_id, customer_id, name, kind, CASE WHEN slot = 'd' THEN md5('bench dedicated host ' || c)::uuid END,
              ram, vcpus, disk, transfer, 'transfer', monthly_price, created_at, coalesce(deleted_at, resized_at, created_at), deleted_at
         FROM ${PLAN}`,
    );
    await client.query(
      `INSERT INTO pool_size_changes (pool_id, customer_id, memory_mib, vcpus, disk_gib, transfer_gb, effective_at)
       SELECT pool_id, customer_id, ram, vcpus, disk, transfer, created_at FROM ${PLAN}
       UNION ALL SELECT pool_id, customer_id, ram * 2, vcpus + 1, disk + 40, transfer, resized_at FROM ${PLAN} WHERE resized_at IS NOT NULL
       UNION ALL SELECT pool_id, customer_id, 0, 0, 0, 0, deleted_at FROM ${PLAN} WHERE deleted_at IS NOT NULL`,
    );
    // The resized pools' current size is the new one.
    await client.query(`UPDATE pools p SET memory_mib = ram * 2, vcpus = l.vcpus + 1, disk_gib = disk + 40 FROM ${PLAN} l WHERE l.pool_id = p.id AND l.resized_at IS NOT NULL`);
    const prices = `currency, ram_gib_month, vcpu_month, disk_gib_month, transfer_gb_month, transfer_overage_gb, cpu_hour, included_cpu_hours_per_vcpu_month, io_gb, included_io_gb_per_disk_gib_month, bandwidth_mbit_month`;
    await client.query(
      `INSERT INTO price_book_versions (effective_from, ${prices}) VALUES
         ($1::timestamptz - interval '200 days', 'EUR', 5.00, 4.00, 0.08, 0.002, 0.10, 0.015, 200, 0.02, 10, 1.50),
         ($1::timestamptz + interval '15 days 6 hours', 'EUR', 5.50, 4.25, 0.085, 0.0025, 0.09, 0.0175, 180, 0.025, 8, 1.60)`,
      [new Date(period.start)],
    );

    await client.query(
      `CREATE TABLE ${FLEET} AS
       SELECT k, md5('bench server ' || k)::uuid AS server_id, md5('bench host ' || ((k - 1) / ${SERVERS_PER_HOST} + 1))::uuid AS host_id, l.customer_id, l.pool_id,
              CASE WHEN l.created_at <= $1::timestamptz THEN $1::timestamptz ELSE date_trunc('hour', l.created_at) + interval '1 hour' END AS from_at,
              CASE WHEN l.deleted_at IS NULL THEN $2::timestamptz ELSE date_trunc('hour', l.deleted_at) END AS to_at,
              l.created_at, l.deleted_at
         FROM ${PLAN} l CROSS JOIN LATERAL generate_series(l.first_server, l.first_server + l.servers - 1) k
        WHERE l.slot <> 'd'`,
      [new Date(period.start), new Date(period.end)],
    );
    await client.query(
      `INSERT INTO servers (id, customer_id, pool_id, host_id, image_id, name, domain_name, state, memory_mib, max_memory_mib, vcpus, max_vcpus, ssh_public_keys, holds_reservation, created_at, updated_at, deleted_at)
       SELECT server_id, customer_id, pool_id, host_id, $1, 'srv-' || k, 'bench-' || k, CASE WHEN deleted_at IS NULL THEN 'running' ELSE 'deleted' END,
              2048, 4096, 2, 4, ARRAY['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchBenchBenchBenchBenchBenchBenchBenchBe bench'], deleted_at IS NULL, created_at, coalesce(deleted_at, created_at), deleted_at
         FROM ${FLEET}`,
      [image!.id],
    );
    const [counts] = (
      await client.query(
        `SELECT count(*)::int AS pools, count(*) FILTER (WHERE resized_at IS NOT NULL)::int AS resized, count(*) FILTER (WHERE deleted_at IS NOT NULL)::int AS deleted,
                count(*) FILTER (WHERE created_at > $1)::int AS created_in_period, count(*) FILTER (WHERE slot = 'd')::int AS dedicated FROM ${PLAN}`,
        [new Date(period.start)],
      )
    ).rows as { pools: number; resized: number; deleted: number; created_in_period: number; dedicated: number }[];
    say(`${counts!.pools} pools (${counts!.resized} resized, ${counts!.deleted} deleted, ${counts!.created_in_period} created in the month, ${counts!.dedicated} dedicated rentals), ${servers} servers`);

    const months = utcMonths(period.start, period.end);
    for (const m of months) {
      await client.query(
        `CREATE UNLOGGED TABLE IF NOT EXISTS usage_1h_p${m.suffix} PARTITION OF usage_1h FOR VALUES FROM ('${new Date(m.start).toISOString()}') TO ('${new Date(m.end).toISOString()}')`,
      );
    }
    // Bulk loads build indexes (the primary key's too) faster after the rows than row by row; the same definitions come back.
    const [pkey] = (await client.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'usage_1h'::regclass AND contype = 'p'`)).rows as { conname: string; def: string }[];
    const indexes = (await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'usage_1h' AND indexname <> $1`, [pkey!.conname])).rows as { indexname: string; indexdef: string }[];
    for (const i of indexes) await client.query(`DROP INDEX ${i.indexname}`);
    await client.query(`ALTER TABLE usage_1h DROP CONSTRAINT ${pkey!.conname}`);

    const totalHours = (period.end - period.start) / HOUR_MS;
    const chunks: [number, number][] = [];
    for (let t = period.start; t < period.end; t += HOURS_PER_CHUNK * HOUR_MS) chunks.push([t, Math.min(t + HOURS_PER_CHUNK * HOUR_MS, period.end)]);
    let rows = 0;
    let hoursDone = 0;
    const loadStarted = Date.now();
    let said = 0;
    const lanes = await Promise.all(
      Array.from({ length: LOAD_LANES }, async () => {
        const lane = new Client({ connectionString: url, application_name: 'carve bench:invoice load' });
        await lane.connect();
        await lane.query(`SET synchronous_commit = off`);
        await lane.query(`SET work_mem = '256MB'`);
        return lane;
      }),
    );
    try {
      const free = [...lanes];
      await runLimited(chunks.length, LOAD_LANES, async (index) => {
        const lane = free.pop()!;
        try {
          const [from, to] = chunks[index]!;
          // Time-major like the ingest: every server's hour t, then hour t + 1.
          const result = await lane.query(
            `INSERT INTO usage_1h (server_id, host_id, customer_id, pool_id, bucket_start, ${COUNTERS}, covered_ms, estimated_ms, memory_mib_ms)
             SELECT f.server_id, f.host_id, f.customer_id, f.pool_id, t, ${COUNTER_VALUES}, 3600000, 0, 2048::bigint * 3600000
               FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') t
               CROSS JOIN LATERAL (SELECT (extract(epoch FROM t) / 3600)::bigint AS h) hh
               JOIN ${FLEET} f ON t >= f.from_at AND t < f.to_at
              ORDER BY t, f.k`,
            [new Date(from), new Date(to)],
          );
          rows += result.rowCount ?? 0;
          hoursDone += (to - from) / HOUR_MS;
          const seconds = (Date.now() - loadStarted) / 1000;
          if (Date.now() - said < 5000 && hoursDone < totalHours) return;
          said = Date.now();
          say(`usage_1h: ${hoursDone}/${totalHours} hours, ${rows.toLocaleString('en-US')} rows (${Math.round(rows / seconds).toLocaleString('en-US')} rows/s)`);
        } finally {
          free.push(lane);
        }
      });
    } finally {
      await Promise.all(lanes.map((l) => l.end()));
    }
    const keyStarted = Date.now();
    await client.query(`ALTER TABLE usage_1h ADD CONSTRAINT ${pkey!.conname} ${pkey!.def}`);
    say(`primary key ${pkey!.conname} rebuilt in ${((Date.now() - keyStarted) / 1000).toFixed(1)} s`);
    for (const i of indexes) {
      const indexStarted = Date.now();
      // pg_indexes says "ON ONLY" for a partitioned table's index, which would build no partition's index.
      await client.query(i.indexdef.replace(' ON ONLY ', ' ON '));
      say(`index ${i.indexname} rebuilt in ${((Date.now() - indexStarted) / 1000).toFixed(1)} s`);
    }
    await client.query(`DROP TABLE ${FLEET}`);
    await client.query(`DROP TABLE ${PLAN}`);
    const vacuumStarted = Date.now();
    // Hint bits and the visibility map set now, so neither measured reader pays for the load.
    await client.query(`VACUUM (ANALYZE)`);
    say(`VACUUM (ANALYZE) in ${((Date.now() - vacuumStarted) / 1000).toFixed(1)} s`);
    const [size] = (
      await client.query(`SELECT pg_total_relation_size('usage_1h_p' || $1)::bigint AS bytes, pg_relation_size('usage_1h_p' || $1)::bigint / 8192 AS pages`, [months[0]!.suffix])
    ).rows as { bytes: string; pages: string }[];
    return {
      customers: plan.customers,
      pools: counts!.pools,
      poolsResized: counts!.resized,
      poolsDeleted: counts!.deleted,
      poolsCreatedInPeriod: counts!.created_in_period,
      dedicated: counts!.dedicated,
      servers,
      usageRows: rows,
      usageBytes: Number(size!.bytes),
      usagePages: Number(size!.pages),
      loadMs: Date.now() - started,
    };
  } finally {
    await client.end();
  }
}

/** The UTC months [start, end) touches: usage_1h has one partition per UTC month. */
function utcMonths(start: number, end: number): { suffix: string; start: number; end: number }[] {
  const out: { suffix: string; start: number; end: number }[] = [];
  const first = new Date(start);
  for (let m = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1); m < end; ) {
    const d = new Date(m);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    out.push({ suffix: d.toISOString().slice(0, 7).replace('-', ''), start: m, end: next });
    m = next;
  }
  return out;
}

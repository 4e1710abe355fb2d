/**
 * `npm run bench:invoice [-- --customers C --servers-per-customer S --period YYYY-MM --analyze-every SECONDS]`: the
 * real invoice run (InvoiceRuns.run, in a Nest application context built like
 * `npm run billing:replay` builds it) for a month of hourly usage, at N = C/2 customers and
 * at C customers (default 4,000 customers, 3 servers each; issue 9 asks for 20,000 customers and
 * 60,000 servers: --customers 20000, about 35 minutes on this machine), each against a
 * plain SQL aggregate computing the same per-customer totals on the same data in the same
 * run. Targets (issue 9): run <= 5x the SQL aggregate at C customers; run at C <= 2.2x run at
 * N. The totals of the run and the aggregate are compared per customer.
 *
 * Each scale gets a fresh database carve_bench_invoice (dropped first if a run left one,
 * carve's migrations, then the month loaded straight in SQL: not measured) on the server of
 * TEST_POSTGRES_URL; Redis at TEST_REDIS_URL under a prefix of its own (the jobs module
 * wants a connection; nothing is queued). BENCH_KEEP_DB=1 keeps the last database.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BillingPeriod, billingPeriod, InvoiceRow, InvoiceRuns } from '@carve/billing';
import { loadConfig } from '@carve/config';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { ReplayClock } from '../scripts/billing-replay/replay-clock';
import { ReplayModule } from '../scripts/billing-replay/replay.module';
import { textTable } from '../scripts/demo/text-table';
import { freshBenchDatabase, type BenchDatabase } from './invoice/bench-database';
import { blocksBetween, invoiceTableScans, usageBlocks, type Blocks, type TableScans } from './invoice/block-reads';
import { loadFleet, type FleetLoaded } from './invoice/fleet-load';
import { QueryProfile, type StatementStats } from './invoice/query-profile';
import { sqlTotals, type SqlTotals } from './invoice/sql-aggregate';
import { ms, printReport } from './provision/report';
import { timeTotal } from './timing';

/** Finishes in under 10 minutes on this 2-core machine; issue 9's scale is --customers 20000 (about 35 minutes here, most of it loading). */
const DEFAULT_CUSTOMERS = 4000;
const RUN_TO_SQL_TARGET = 5;
const SCALING_TARGET = 2.2;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function log(line: string): void {
  console.log(`[bench] ${line}`);
}

interface Options {
  customers: number;
  serversPerCustomer: number;
  period: string;
  /** Diagnostic, 0 = off: ANALYZE invoices and invoice_lines every this many seconds during the run (what autovacuum would do). */
  analyzeEvery: number;
}

const USAGE = 'use --customers C (even, the larger scale; N = C/2) --servers-per-customer S --period YYYY-MM (a UTC month) [--analyze-every SECONDS (diagnostic)]';

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { customers: DEFAULT_CUSTOMERS, serversPerCustomer: 3, period: '2026-11', analyzeEvery: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
    if (flag === '--period') {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new Error(`--period needs YYYY-MM, got ${value}`);
      options.period = value;
      continue;
    }
    const key = flag === '--customers' ? 'customers' : flag === '--servers-per-customer' ? 'serversPerCustomer' : flag === '--analyze-every' ? 'analyzeEvery' : undefined;
    if (!key) throw new Error(`unknown argument ${flag}; ${USAGE}`);
    if (!/^\d{1,6}$/.test(value) || Number(value) < (key === 'analyzeEvery' ? 0 : 1)) throw new Error(`${flag} needs a whole number of at least 1`);
    options[key] = Number(value);
  }
  if (options.customers < 2 || options.customers % 2 !== 0) throw new Error(`--customers must be even (N = C/2 is run too), got ${options.customers}`);
  return options;
}

/** The run's own progress (context 'billing') with the time since it started; warnings and errors as they come. */
class ProgressLogger implements LoggerService {
  started = Date.now();
  private last = '';
  log(message: unknown, context?: unknown): void {
    // Nest hands some messages over twice (instance and static logger); say each once.
    if (context !== 'billing' || String(message) === this.last) return;
    this.last = String(message);
    log(`  ${((Date.now() - this.started) / 1000).toFixed(1)} s: ${this.last}`);
  }
  warn(message: unknown): void {
    log(`warning: ${String(message)}`);
  }
  error(message: unknown): void {
    log(`error: ${String(message)}`);
  }
}

interface Agreement {
  customers: { run: number; sql: number };
  mismatched: string[];
  runSubtotalMinor: bigint;
  sqlSubtotalMinor: bigint;
  runTotalMinor: bigint;
  sqlTotalMinor: bigint;
  runLines: number;
  sqlLines: number;
}

interface ScaleResult {
  customers: number;
  loaded: FleetLoaded;
  sqlMs: [number, number];
  runMs: number;
  issued: number;
  agreement: Agreement;
  statements: StatementStats[];
  /** usage_1h blocks (heap, index) the first SQL aggregate and the run touched. */
  sqlBlocks: Blocks;
  runBlocks: Blocks;
  usagePages: number;
  invoiceScans: TableScans[];
}

const eur = (minor: bigint) => `${minor < 0n ? '-' : ''}${(minor < 0n ? -minor : minor) / 100n}.${String((minor < 0n ? -minor : minor) % 100n).padStart(2, '0')}`;
const mean = (pair: readonly [number, number]) => (pair[0] + pair[1]) / 2;

async function linesPerCustomer(url: string, period: string): Promise<Map<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT i.customer_id, count(l.n)::int AS lines FROM invoices i LEFT JOIN invoice_lines l ON l.invoice_id = i.id WHERE i.period = $1 AND i.status = 'final' GROUP BY i.customer_id`,
      [period],
    );
    return new Map((rows as { customer_id: string; lines: number }[]).map((r) => [r.customer_id, r.lines]));
  } finally {
    await client.end();
  }
}

function compare(invoices: readonly InvoiceRow[], lines: Map<string, number>, sql: Map<string, SqlTotals>): Agreement {
  const mismatched: string[] = [];
  let runSubtotalMinor = 0n;
  let runTotalMinor = 0n;
  let runLines = 0;
  const seen = new Set<string>();
  for (const invoice of invoices) {
    seen.add(invoice.customerId);
    runSubtotalMinor += invoice.subtotalMinor;
    runTotalMinor += invoice.totalMinor;
    const n = lines.get(invoice.customerId) ?? 0;
    runLines += n;
    const expected = sql.get(invoice.customerId);
    if (!expected) mismatched.push(`${invoice.customerId}: invoiced ${eur(invoice.totalMinor)}, the SQL aggregate has no total`);
    else if (expected.subtotalMinor !== invoice.subtotalMinor || expected.taxMinor !== invoice.taxMinor || expected.totalMinor !== invoice.totalMinor || expected.lines !== n) {
      mismatched.push(
        `${invoice.customerId}: run subtotal ${eur(invoice.subtotalMinor)} tax ${eur(invoice.taxMinor)} total ${eur(invoice.totalMinor)} (${n} lines); ` +
          `SQL ${eur(expected.subtotalMinor)} ${eur(expected.taxMinor)} ${eur(expected.totalMinor)} (${expected.lines} lines)`,
      );
    }
  }
  let sqlSubtotalMinor = 0n;
  let sqlTotalMinor = 0n;
  let sqlLines = 0;
  for (const t of sql.values()) {
    sqlSubtotalMinor += t.subtotalMinor;
    sqlTotalMinor += t.totalMinor;
    sqlLines += t.lines;
    if (!seen.has(t.customerId)) mismatched.push(`${t.customerId}: SQL total ${eur(t.totalMinor)}, no invoice from the run`);
  }
  return { customers: { run: invoices.length, sql: sql.size }, mismatched, runSubtotalMinor, sqlSubtotalMinor, runTotalMinor, sqlTotalMinor, runLines, sqlLines };
}

async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Diagnostic (--analyze-every): this server runs with autovacuum off, so nothing analyzes
 * the invoice tables while a run fills them, and statements planned while they were empty
 * stay planned that way. This does what autovacuum's analyze would.
 */
function startAnalyzer(url: string, seconds: number): { stop(): Promise<number> } {
  let count = 0;
  let stopped = false;
  const client = new Client({ connectionString: url, application_name: 'carve bench:invoice analyze' });
  const done = (async () => {
    await client.connect();
    try {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        if (stopped) break;
        await client.query('ANALYZE invoices, invoice_lines');
        count += 1;
      }
    } finally {
      await client.end();
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return count;
    },
  };
}

async function runScale(customers: number, options: Options, period: BillingPeriod, keep: boolean): Promise<ScaleResult> {
  const servers = customers * options.serversPerCustomer;
  log(`=== ${customers.toLocaleString('en-US')} customers, ${servers.toLocaleString('en-US')} servers, ${period.month} (UTC) ===`);
  const database: BenchDatabase = await freshBenchDatabase();
  log(`database ${database.name} created and migrated; loading the month (setup, not measured)`);
  const redisPrefix = `bench_invoice_${randomBytes(4).toString('hex')}`;
  try {
    const loaded = await loadFleet(database.url, { customers, serversPerCustomer: options.serversPerCustomer, period }, (line) => log(`  load: ${line}`));
    log(`loaded in ${ms(loaded.loadMs)}: ${loaded.usageRows.toLocaleString('en-US')} usage_1h rows (${(loaded.usageBytes / 2 ** 30).toFixed(2)} GiB with indexes)`);

    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      BILLING_TIME_ZONE: 'UTC',
      METERING_INTERVAL_SECONDS: '0',
      RECONCILE_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'warn',
    });
    // After the month and its collection window, as the scheduled run would see it.
    const clock = new ReplayClock(period.end + 2 * 3_600_000);
    const logger = new ProgressLogger();
    const app = await NestFactory.createApplicationContext(ReplayModule.forRoot(config, clock), { logger, abortOnError: false });
    try {
      log('SQL aggregate (before the run)');
      let sql = new Map<string, SqlTotals>();
      const blocks0 = await usageBlocks(database.url);
      const sqlBefore = await timeTotal(async () => (sql = await sqlTotals(database.url, period)));
      const blocks1 = await usageBlocks(database.url);
      log(`SQL aggregate: ${ms(sqlBefore)} for ${sql.size} customers`);

      log(`invoice run ${period.month} (InvoiceRuns.run)`);
      const profile = new QueryProfile();
      let run: Awaited<ReturnType<InvoiceRuns['run']>> | undefined;
      const analyzer = options.analyzeEvery > 0 ? startAnalyzer(database.url, options.analyzeEvery) : undefined;
      profile.start();
      logger.started = Date.now();
      const runMs = await timeTotal(async () => (run = await app.get(InvoiceRuns).run(period.month, 'api'))).finally(() => profile.stop());
      if (analyzer) log(`diagnostic: ANALYZE invoices, invoice_lines ran ${await analyzer.stop()} time(s) during the run`);
      log(`invoice run: ${ms(runMs)}, ${run!.issued} invoices issued`);
      const blocks2 = await usageBlocks(database.url);
      const invoiceScans = await invoiceTableScans(database.url);

      log('SQL aggregate (after the run)');
      const sqlAfter = await timeTotal(() => sqlTotals(database.url, period));
      log(`SQL aggregate: ${ms(sqlAfter)}`);

      const agreement = compare(run!.invoices, await linesPerCustomer(database.url, period.month), sql);
      const result: ScaleResult = {
        customers,
        loaded,
        sqlMs: [sqlBefore, sqlAfter],
        runMs,
        issued: run!.issued,
        agreement,
        statements: profile.statements(),
        sqlBlocks: blocksBetween(blocks0, blocks1),
        runBlocks: blocksBetween(blocks1, blocks2),
        usagePages: loaded.usagePages,
        invoiceScans,
      };
      log(`totals agree at ${customers} customers: ${agreementText(agreement)}`);
      printProfile(result);
      return result;
    } finally {
      await app.close();
    }
  } finally {
    await clearRedisPrefix(redisPrefix).catch(() => undefined);
    if (!keep) await database.drop();
  }
}

function agreementText(a: Agreement): string {
  const ok = a.mismatched.length === 0 && a.customers.run === a.customers.sql;
  return ok
    ? `yes: ${a.customers.run}/${a.customers.sql} customers equal (subtotal, tax, total, line count)`
    : `NO: ${a.mismatched.length} customer(s) differ (${a.customers.run} invoices, ${a.customers.sql} SQL totals)`;
}

function printProfile(result: ScaleResult): void {
  const queried = result.statements.reduce((sum, s) => sum + s.totalMs, 0);
  const calls = result.statements.reduce((sum, s) => sum + s.calls, 0);
  console.log(`\nwhere the invoice run's ${ms(result.runMs)} went at ${result.customers.toLocaleString('en-US')} customers: ${calls.toLocaleString('en-US')} statements (${(calls / result.customers).toFixed(1)} per customer)\n`);
  const rows = result.statements.map((s) => [
    s.statement,
    s.calls.toLocaleString('en-US'),
    (s.calls / result.customers).toFixed(2),
    ms(s.totalMs),
    `${((100 * s.totalMs) / result.runMs).toFixed(1)}%`,
    `${(s.totalMs / s.calls).toFixed(3)} ms`,
    ms(s.maxMs),
  ]);
  rows.push(['(outside statements: rules, JSON, Nest, pool waits)', '', '', ms(result.runMs - queried), `${((100 * (result.runMs - queried)) / result.runMs).toFixed(1)}%`, '', '']);
  console.log(textTable(['statement', 'calls', 'per customer', 'total', 'of run', 'mean', 'max'], rows, [1, 2, 3, 4, 5, 6]));
  const per = (b: number) => (b / result.customers).toFixed(1);
  console.log(
    `\nusage_1h blocks touched (heap + index, 8 KiB; the month's partition has ${result.usagePages.toLocaleString('en-US')} heap pages): ` +
      `SQL aggregate ${result.sqlBlocks.heap.toLocaleString('en-US')} + ${result.sqlBlocks.index.toLocaleString('en-US')}; ` +
      `invoice run ${result.runBlocks.heap.toLocaleString('en-US')} + ${result.runBlocks.index.toLocaleString('en-US')} (${per(result.runBlocks.heap)} + ${per(result.runBlocks.index)} per customer)\n`,
  );
  console.log(`scans of the invoice tables during the run (pg_stat_user_tables; statements, triggers and foreign-key checks alike):\n`);
  console.log(
    textTable(
      ['table', 'seq scans', 'per customer', 'rows read by seq scans', 'index scans'],
      result.invoiceScans.map((t) => [t.table, t.seqScans.toLocaleString('en-US'), per(t.seqScans), t.seqRowsRead.toLocaleString('en-US'), t.indexScans.toLocaleString('en-US')]),
      [1, 2, 3, 4],
    ),
  );
  console.log('');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const period = billingPeriod(options.period, 'UTC');
  const keep = process.env.BENCH_KEEP_DB === '1';
  const started = Date.now();
  const n = options.customers / 2;
  const small = await runScale(n, options, period, false);
  const large = await runScale(options.customers, options, period, keep);

  const runToSql = (r: ScaleResult) => r.runMs / mean(r.sqlMs);
  const scaling = large.runMs / small.runMs;
  const sqlScaling = mean(large.sqlMs) / mean(small.sqlMs);
  const scaleRows = (r: ScaleResult) => {
    const a = r.agreement;
    const label = `${r.customers.toLocaleString('en-US')} customers`;
    return [
      { metric: `${label}: usage_1h rows / load (not measured)`, value: `${r.loaded.usageRows.toLocaleString('en-US')} / ${ms(r.loaded.loadMs)}` },
      { metric: `${label}: SQL aggregate (before / after the run)`, value: `${ms(r.sqlMs[0])} / ${ms(r.sqlMs[1])}` },
      { metric: `${label}: invoice run (${r.issued} invoices issued)`, value: ms(r.runMs) },
      {
        metric: `${label}: invoice run / SQL aggregate (mean)`,
        value: runToSql(r).toFixed(2),
        ...(r === large ? { target: `<= ${RUN_TO_SQL_TARGET}`, met: runToSql(r) <= RUN_TO_SQL_TARGET } : {}),
      },
      { metric: `${label}: totals agree`, value: agreementText(a), met: a.mismatched.length === 0 && a.customers.run === a.customers.sql },
      { metric: `${label}: sum of subtotals run / SQL (EUR)`, value: `${eur(a.runSubtotalMinor)} / ${eur(a.sqlSubtotalMinor)}` },
      { metric: `${label}: sum of totals run / SQL (EUR)`, value: `${eur(a.runTotalMinor)} / ${eur(a.sqlTotalMinor)}` },
      { metric: `${label}: invoice lines run / SQL`, value: `${a.runLines} / ${a.sqlLines}` },
    ];
  };
  const l = large.loaded;
  printReport(
    `carve invoice run benchmark: ${period.month} (UTC), ${options.serversPerCustomer} servers per customer, hourly usage; at C = ${options.customers.toLocaleString('en-US')}: ` +
      `${l.pools} pools (${l.poolsResized} resized, ${l.poolsDeleted} deleted, ${l.poolsCreatedInPeriod} created in the month, ${l.dedicated} dedicated), ${l.servers.toLocaleString('en-US')} servers, 2 price versions`,
    [
      ...scaleRows(small),
      ...scaleRows(large),
      { metric: `invoice run at ${options.customers} / at ${n} customers`, value: scaling.toFixed(2), target: `<= ${SCALING_TARGET}`, met: scaling <= SCALING_TARGET },
      { metric: `    SQL aggregate at ${options.customers} / at ${n} customers`, value: sqlScaling.toFixed(2) },
    ],
  );
  for (const r of [small, large]) {
    for (const m of r.agreement.mismatched.slice(0, 5)) console.log(`  differs at ${r.customers}: ${m}`);
  }
  log('the per-statement profiles of both scales are printed above, after each scale');
  log(`whole run: ${ms(Date.now() - started)}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // The database of an interrupted run is left; the next run drops it first.
  process.once(signal, () => process.exit(130));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);

/**
 * `npm run bench:ingest [-- --servers N --intervals K --history-servers H --history-days D]`:
 * server readings per second through carve's ingest path (the Dom0's reading text parsed by
 * parseMeteringReading, then UsageIngest.ingestHostReading: cursors, deltas, the batched
 * span insert, the 5-minute, hourly and daily rollups, losses and host disk time, one
 * transaction per host reading, METERING_HOSTS_AT_ONCE hosts at once), for N servers
 * (default 5,000: 100 hosts of 50 domains) over K collection intervals (default 10), after
 * one unmeasured interval of first readings (every server new to carve). Baseline in the same run: COPY FROM STDIN
 * of the very rows the ingest wrote, into the same table. Then again on a database already
 * holding what retention leaves of D days (default 30) of H servers (default 5,000) at 60 s:
 * raw spans and 5-minute rollups for the last 48 h, hourly and daily rollups for D days.
 * Uses its own database carve_bench_ingest on TEST_POSTGRES_URL (created, migrated, dropped).
 */
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { Client } from 'pg';
import { CpuMeter, type CpuSnapshot } from './provision/cpu-usage';
import { ms, printCpuReport, printReport, rate, type CpuRow, type Row } from './provision/report';
import { BenchFleet, DOMAINS_PER_HOST } from './ingest/bench-fleet';
import { createBenchDatabase, type BenchDatabase } from './ingest/bench-database';
import { copyRounds, readIngestedRows } from './ingest/copy-baseline';
import { loadHistory, settle, type HistoryLoaded } from './ingest/history-load';
import { startIngestContext } from './ingest/ingest-context';
import { ingestRounds, INTERVAL_MS, nextRound, type IngestTotals, type Round } from './ingest/ingest-rounds';

const DATABASE = 'carve_bench_ingest';
const COPY_TARGET_RATIO = 0.4;
const LOADED_TARGET_RATIO = 0.8;
const DAY_MS = 86_400_000;
/** The first reading of the bench and the end of the seeded history: late in a UTC day and month, so the partitions being written are nearly full. */
const START_MS = Date.UTC(2026, 10, 30, 22);

interface Options {
  servers: number;
  intervals: number;
  historyServers: number;
  historyDays: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { servers: 5000, intervals: 10, historyServers: 5000, historyDays: 30 };
  const keys: Record<string, keyof Options> = { '--servers': 'servers', '--intervals': 'intervals', '--history-servers': 'historyServers', '--history-days': 'historyDays' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i]!];
    const value = argv[i + 1];
    if (!key) throw new Error(`unknown argument ${argv[i]}; use --servers N --intervals K --history-servers H --history-days D`);
    if (value === undefined || !/^\d{1,6}$/.test(value) || Number(value) < 1) throw new Error(`${argv[i]} needs a whole number of at least 1`);
    options[key] = Number(value);
  }
  if (options.servers % DOMAINS_PER_HOST !== 0 || options.historyServers % DOMAINS_PER_HOST !== 0) throw new Error(`--servers and --history-servers must be multiples of ${DOMAINS_PER_HOST} (domains per host)`);
  if (options.historyServers < options.servers) throw new Error('--history-servers must include the bench\'s own servers (at least --servers)');
  return options;
}

function log(line: string): void {
  console.log(`[bench] ${line}`);
}

/** The same readings for every phase: a fleet built from the same seed prints the same text. */
function renderRounds(options: Options): Round[] {
  const fleet = new BenchFleet(options.servers / DOMAINS_PER_HOST);
  return Array.from({ length: options.intervals + 1 }, (_, i) => nextRound(fleet, START_MS, i));
}

interface IngestPhase {
  totals: IngestTotals;
  hostsAtOnce: number;
}

/** One unmeasured interval (first readings: every server is new and gets its cursor), then the measured ones. */
type Measured = <T>(name: string, run: () => Promise<T>) => Promise<T>;

async function ingestPhase(database: BenchDatabase, rounds: readonly Round[], options: Options, measured: Measured, name: string, before?: (ctx: Awaited<ReturnType<typeof startIngestContext>>) => Promise<void>): Promise<IngestPhase> {
  const ctx = await startIngestContext(database.url);
  try {
    if (before) await before(ctx);
    const hostsAtOnce = ctx.config.meteringHostsAtOnce;
    await ingestRounds(ctx.ingest, rounds.slice(0, 1), hostsAtOnce);
    const totals = await measured(name, () => ingestRounds(ctx.ingest, rounds.slice(1), hostsAtOnce));
    const expected = options.servers * options.intervals;
    if (totals.spans !== expected || totals.duplicates > 0 || totals.gaps > 0 || totals.losses > 0) {
      throw new Error(`ingest wrote ${totals.spans} spans (expected ${expected}), ${totals.duplicates} duplicate readings, ${totals.gaps} gaps, ${totals.losses} losses`);
    }
    return { totals, hostsAtOnce };
  } finally {
    await ctx.close();
  }
}

async function tableRows(url: string): Promise<Map<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string; n: string }>(
      `SELECT 'usage_samples' AS t, count(*) AS n FROM usage_samples UNION ALL SELECT 'usage_5m', count(*) FROM usage_5m
       UNION ALL SELECT 'usage_1h', count(*) FROM usage_1h UNION ALL SELECT 'usage_1d', count(*) FROM usage_1d`,
    );
    return new Map(rows.map((r) => [r.t, Number(r.n)]));
  } finally {
    await client.end();
  }
}

interface BufferUse {
  read: number;
  hit: number;
}

/** The bench database's sessions other than the asking one. */
async function backendPids(url: string): Promise<number[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`);
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** Blocks the bench database found in shared buffers (hit) and had to read from the OS (read). */
async function blockCounters(url: string): Promise<BufferUse> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ read: string; hit: string }>(`SELECT blks_read AS read, blks_hit AS hit FROM pg_stat_database WHERE datname = current_database()`);
    return { read: Number(rows[0]!.read), hit: Number(rows[0]!.hit) };
  } finally {
    await client.end();
  }
}

const perSecond = (count: number, wallMs: number): number => (count * 1000) / wallMs;
const thousands = (n: number): string => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const runStarted = Date.now();
  const hosts = options.servers / DOMAINS_PER_HOST;
  log(`${options.servers} servers on ${hosts} hosts, ${options.intervals} measured intervals of 60 s (${thousands(options.servers * options.intervals)} server readings); ${availableParallelism()} cores`);
  const renderStarted = Date.now();
  const rounds = renderRounds(options);
  const textBytes = rounds.reduce((sum, r) => sum + r.texts.reduce((s, t) => s + t.text.length, 0), 0);
  log(`rendered ${rounds.length} intervals of reading text (${(textBytes / rounds.length / hosts / 1024).toFixed(1)} KiB per host reading) in ${ms(Date.now() - renderStarted)}`);

  const cpu: CpuRow[] = [];
  const buffers = new Map<string, BufferUse>();
  // CPU of the bench database's own backends (the ingest's pool, or the COPY session), apart from every other postgres process of the machine.
  const measured = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const meter = new CpuMeter({ 'all postgres': ['postgres'] });
    meter.watch('bench (node)', process.pid);
    const pids = await backendPids(database.url);
    for (const pid of pids) meter.watch(`backend ${pid}`, pid);
    const blocksBefore = await blockCounters(database.url);
    const before: CpuSnapshot = meter.snapshot();
    const result = await run();
    const { percent, ...rest } = CpuMeter.between(before, meter.snapshot());
    // Backends flush their block counters when idle (at most about a second later).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const blocksAfter = await blockCounters(database.url);
    buffers.set(name, { read: blocksAfter.read - blocksBefore.read, hit: blocksAfter.hit - blocksBefore.hit });
    const own = new Map([...percent].filter(([k]) => !k.startsWith('backend ')));
    own.set(`${DATABASE} backends`, [...percent].filter(([k]) => k.startsWith('backend ')).reduce((sum, [, v]) => sum + v, 0));
    cpu.push({ phase: name, percent: own, ...rest });
    return result;
  };

  let database = await createBenchDatabase(DATABASE);
  try {
    log(`phase 1: ingest into empty tables (${DATABASE}, migrated)`);
    const empty = await ingestPhase(database, rounds, options, measured, 'ingest, empty tables', async (ctx) => {
      await ctx.partitions.ensure(new Date(START_MS - INTERVAL_MS), new Date(START_MS + (options.intervals + 1) * INTERVAL_MS));
    });
    const emptyRate = perSecond(empty.totals.spans, empty.totals.wallMs);
    log(`phase 1: ${thousands(empty.totals.spans)} server readings in ${ms(empty.totals.wallMs)} (${rate(emptyRate, 'readings')})`);

    log('baseline: reading back the rows the ingest wrote; COPY FROM STDIN of them into the emptied usage_samples');
    const copyLines = await (async () => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        return await readIngestedRows(client, START_MS);
      } finally {
        await client.end();
      }
    })();
    const copy = await copyRounds(database.url, copyLines, measured);
    if (copy.rows !== empty.totals.spans) throw new Error(`COPY wrote ${copy.rows} rows, the ingest ${empty.totals.spans}`);
    const copyRate = perSecond(copy.rows, copy.wallMs);
    log(`baseline: ${thousands(copy.rows)} rows in ${copyLines.length} COPYs, ${ms(copy.wallMs)} (${rate(copyRate, 'rows')})`);

    await database.drop();
    database = await createBenchDatabase(DATABASE);
    log(`phase 2: seeding ${options.historyDays} days of ${options.historyServers} servers as retention leaves them (raw and 5-minute: last 48 h; hourly and daily: ${options.historyDays} days)`);
    let loaded: HistoryLoaded[] = [];
    let loadMs = 0;
    const full = await ingestPhase(database, rounds, options, measured, 'ingest, with history', async (ctx) => {
      const historyFrom = START_MS - options.historyDays * DAY_MS;
      await ctx.partitions.ensure(new Date(historyFrom), new Date(START_MS + (options.intervals + 1) * INTERVAL_MS));
      // What retention would have dropped by the first reading (empty partitions here) goes the same way.
      await ctx.partitions.dropExpired(new Date(START_MS));
      const loadStarted = Date.now();
      const rawHours = Math.min(ctx.config.meteringRetention.rawHours, options.historyDays * 24);
      loaded = await loadHistory(database.url, { servers: options.historyServers, rawHours, rollupDays: options.historyDays, endMs: START_MS }, 2, log);
      await settle(database.url);
      loadMs = Date.now() - loadStarted;
      log(`phase 2: history loaded, vacuumed and checkpointed in ${ms(loadMs)}; ingesting the same readings on top`);
    });
    const fullRate = perSecond(full.totals.spans, full.totals.wallMs);
    log(`phase 2: ${thousands(full.totals.spans)} server readings in ${ms(full.totals.wallMs)} (${rate(fullRate, 'readings')})`);
    const after = await tableRows(database.url);

    // Background processes (WAL writer, checkpointer, autovacuum) are left out of both sides.
    const cpuPerItem = (c: CpuRow): { node: number; backends: number } => {
      const count = c.phase === 'COPY baseline' ? copy.rows : c.phase === 'ingest, empty tables' ? empty.totals.spans : full.totals.spans;
      const usOf = (name: string): number => (((c.percent.get(name) ?? 0) / 100) * c.wallMs * 1000) / count;
      return { node: usOf('bench (node)'), backends: usOf(`${DATABASE} backends`) };
    };
    /** Like a ratio of rates: CPU per item of `baseline` over that of `measured`. */
    const cpuRatio = (baseline: string, measured: string): number => {
      const total = (phase: string): number => {
        const c = cpu.find((row) => row.phase === phase)!;
        const { node, backends } = cpuPerItem(c);
        return node + backends;
      };
      return total(baseline) / total(measured);
    };
    const copyRatio = emptyRate / copyRate;
    const loadedRatio = fullRate / emptyRate;
    const rows: Row[] = [
      { metric: 'scale', value: `${options.servers} servers, ${hosts} hosts x ${DOMAINS_PER_HOST} domains, ${options.intervals} intervals` },
      { metric: `ingest, empty tables (${empty.hostsAtOnce} hosts at once)`, value: rate(emptyRate, 'readings') },
      { metric: '    host readings (one transaction each)', value: rate(perSecond(empty.totals.hostReadings, empty.totals.wallMs), 'hosts') },
      { metric: '    of the wall time: parseMeteringReading', value: `${((empty.totals.parseMs / empty.totals.wallMs) * 100).toFixed(0)}%` },
      { metric: `COPY FROM STDIN of the same ${thousands(copy.rows)} rows into usage_samples (one per interval)`, value: rate(copyRate, 'rows') },
      { metric: 'ingest / COPY', value: copyRatio.toFixed(3), target: `>= ${COPY_TARGET_RATIO}`, met: copyRatio >= COPY_TARGET_RATIO },
      ...loaded.map((l) => ({ metric: `    history in ${l.table}`, value: `${thousands(l.rows)} rows, ${l.from.toISOString().slice(0, 16)}..${l.to.toISOString().slice(0, 16)}` })),
      { metric: '    history load (setup, not measured)', value: ms(loadMs) },
      { metric: `ingest on ${options.historyDays} days of ${options.historyServers} servers`, value: rate(fullRate, 'readings') },
      { metric: 'ingest with history / ingest into empty tables', value: loadedRatio.toFixed(3), target: `>= ${LOADED_TARGET_RATIO}`, met: loadedRatio >= LOADED_TARGET_RATIO },
      // On a shared machine the wall-clock rates move with everyone else's load; CPU per reading of this bench's own processes moves much less.
      ...cpu.map((c) => {
        const { node, backends } = cpuPerItem(c);
        return { metric: `    ${c.phase}: CPU per ${c.phase === 'COPY baseline' ? 'row' : 'reading'}, bench process + its PostgreSQL backends`, value: `${node.toFixed(1)} + ${backends.toFixed(1)} us` };
      }),
      { metric: '    not a target: the same ratios from CPU per reading (ingest / COPY, with history / empty)', value: `${cpuRatio('COPY baseline', 'ingest, empty tables').toFixed(3)}, ${cpuRatio('ingest, empty tables', 'ingest, with history').toFixed(3)}` },
      ...[...buffers].map(([phase, b]) => ({ metric: `    ${phase}: blocks read into shared buffers / found there`, value: `${thousands(b.read)} / ${thousands(b.hit)}` })),
      { metric: '    rows after phase 2', value: [...after].map(([t, n]) => `${t} ${thousands(n)}`).join(', ') },
    ];
    printReport(`carve metering ingest benchmark: ${thousands(options.servers * options.intervals)} server readings (${options.servers} servers x ${options.intervals} intervals)`, rows);
    // 'all postgres' is every postgres process of the machine: other databases' sessions too, if anyone else is busy.
    printCpuReport(cpu);
    console.log(`\ningest / COPY: ${copyRatio.toFixed(3)} (target >= ${COPY_TARGET_RATIO}: ${copyRatio >= COPY_TARGET_RATIO ? 'met' : 'NOT met'})`);
    console.log(`ingest with ${options.historyDays} days of ${options.historyServers} servers / empty: ${loadedRatio.toFixed(3)} (target >= ${LOADED_TARGET_RATIO}: ${loadedRatio >= LOADED_TARGET_RATIO ? 'met' : 'NOT met'})`);
    log(`whole run: ${ms(Date.now() - runStarted)}`);
  } finally {
    await database.drop();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // The database of an interrupted run is dropped by the next run.
  process.once(signal, () => process.exit(130));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);

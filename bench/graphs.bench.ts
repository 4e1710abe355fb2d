/**
 * `npm run bench:graphs [-- --servers N --requests R --sample S --raw-servers K]`: p95 of the
 * 24h, 30d and 12-month usage graphs (GET /v1/servers/:id/usage?range=24h, ?range=30d,
 * ?from=<now - 365 days>) through the real HTTP API (the Nest API app in this process,
 * listening on loopback; operator token), R requests each (default 100) spread over S
 * graphed servers (default 20), on a year of history for N servers (default 1,000; the
 * issue's 5,000 is --servers 5000, a much longer load) loaded in SQL as retention leaves it:
 * raw spans and 5-minute rollups for the last 48 h, hourly and daily rollups for 366 days.
 * Baselines in the same run: (1) the bare SQL, i.e. the very statement the repository ran for
 * each request (captured where TypeORM runs it in the API), replayed through plain pg right after
 * it; (2) aggregating raw one-minute spans into the same buckets in SQL: from usage_samples
 * for 24 h, and from a year of raw spans loaded for K of the graphed servers (default 3)
 * for 30 days and 12 months. Own database carve_bench_graphs (created, migrated, dropped).
 */
import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@carve/config';
import { MeteringPartitions } from '@carve/metering';
import { ensureBootstrapOperator } from '@carve/tenancy';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import { createApiApp } from '../apps/api/src/api-app';
import { ms, printReport, type Row } from './provision/report';
import { summarize, type Summary } from './timing';
import { createBenchDatabase, type BenchDatabase } from './ingest/bench-database';
import { loadHistory, settle, type HistoryLoaded } from './ingest/history-load';
import { DOMAINS_PER_HOST } from './ingest/bench-fleet';
import { insertGraphServers, sampleServers } from './graphs/graph-servers';
import { CapturedQuery, QueryCapture, timeRequest, timeSql, type GraphResponse, type RequestStatements } from './graphs/graph-requests';
import { loadRawYear, RAW_YEAR_TABLE, rawAggregateSql } from './graphs/raw-baseline';

const DATABASE = 'carve_bench_graphs';
const SQL_TARGET_RATIO = 1.5;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const HISTORY_DAYS = 366;
const WARMUP = 5;

interface Options {
  servers: number;
  requests: number;
  sample: number;
  rawServers: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { servers: 1000, requests: 100, sample: 20, rawServers: 3 };
  const keys: Record<string, keyof Options> = { '--servers': 'servers', '--requests': 'requests', '--sample': 'sample', '--raw-servers': 'rawServers' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i]!];
    const value = argv[i + 1];
    if (!key) throw new Error(`unknown argument ${argv[i]}; use --servers N --requests R --sample S --raw-servers K`);
    if (value === undefined || !/^\d{1,6}$/.test(value) || Number(value) < 1) throw new Error(`${argv[i]} needs a whole number of at least 1`);
    options[key] = Number(value);
  }
  if (options.servers % DOMAINS_PER_HOST !== 0) throw new Error(`--servers must be a multiple of ${DOMAINS_PER_HOST} (domains per host)`);
  if (options.rawServers > options.sample) throw new Error('--raw-servers are some of the --sample servers: at most --sample');
  return options;
}

function log(line: string): void {
  console.log(`[bench] ${line}`);
}

interface GraphRange {
  name: string;
  path: (serverId: string) => string;
  /** Raw-aggregate baseline: where the raw spans of the window are, and how many runs (they are slow). */
  rawTable: string;
  rawRuns: number;
}

interface RangeResult {
  range: GraphRange;
  http: Summary;
  sql: Summary;
  raw: Summary;
  response: GraphResponse;
  sqlRows: number;
  rawBuckets: number;
  /** Means per request: the whole request, the usage statement inside the API, and the API's other statements (auth, the server lookup). */
  breakdown: { httpMs: number; usageMs: number; otherCount: number; otherMs: number };
}

const thousands = (n: number): string => n.toLocaleString('en-US');
const msText = (v: number): string => `${v.toFixed(1)} ms`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const runStarted = Date.now();
  log(`a year of usage for ${options.servers} servers; ${options.requests} requests per range over ${options.sample} servers; ${availableParallelism()} cores`);
  const database: BenchDatabase = await createBenchDatabase(DATABASE);
  const prefix = uniqueName('graphs').slice(0, 32);
  const config = loadConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'fatal', RATE_LIMIT_PER_MINUTE: '1000000' });
  const { app } = await createApiApp(config);
  const sql = new Client({ connectionString: database.url, application_name: 'carve bench:graphs bare sql' });
  await sql.connect();
  try {
    const db = app.get<DataSource>(getDataSourceToken());
    // History runs up to the next hour boundary, so every window ending now is full.
    const endMs = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;
    const partitions = app.get(MeteringPartitions);
    await partitions.ensure(new Date(endMs - HISTORY_DAYS * DAY_MS), new Date(endMs));
    await partitions.dropExpired(new Date());
    const loadStarted = Date.now();
    const loaded: HistoryLoaded[] = await loadHistory(database.url, { servers: options.servers, rawHours: config.meteringRetention.rawHours, rollupDays: HISTORY_DAYS, endMs }, 2, log);
    await settle(database.url);
    const loadMs = Date.now() - loadStarted;
    log(`history loaded, vacuumed and checkpointed in ${ms(loadMs)}`);

    const sample = await insertGraphServers(sql, sampleServers(options.servers, options.sample));
    const rawServers = sample.slice(0, options.rawServers);
    const rawStarted = Date.now();
    const rawRows = await loadRawYear(sql, rawServers, endMs - HISTORY_DAYS * DAY_MS, endMs);
    log(`${RAW_YEAR_TABLE}: ${thousands(rawRows)} one-minute spans of ${rawServers.length} servers over ${HISTORY_DAYS} days, in ${ms(Date.now() - rawStarted)}`);
    await sql.query('RESET synchronous_commit');

    const { token } = await ensureBootstrapOperator(db);
    const capture = new QueryCapture();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    log(`API listening on ${baseUrl}`);

    const ranges: GraphRange[] = [
      { name: '24h', path: (id) => `/v1/servers/${id}/usage?range=24h`, rawTable: 'usage_samples', rawRuns: options.requests },
      { name: '30d', path: (id) => `/v1/servers/${id}/usage?range=30d`, rawTable: RAW_YEAR_TABLE, rawRuns: Math.min(options.requests, 30) },
      { name: '12 months', path: (id) => `/v1/servers/${id}/usage?from=${new Date(Date.now() - 365 * DAY_MS).toISOString()}`, rawTable: RAW_YEAR_TABLE, rawRuns: Math.min(options.requests, 10) },
    ];
    const results: RangeResult[] = [];
    for (const range of ranges) {
      const server = (i: number): string => sample[i % sample.length]!;
      for (let i = 0; i < WARMUP; i += 1) {
        await timeRequest(baseUrl, range.path(server(i)), token!);
        const { query } = capture.take();
        await timeSql(sql, query.sql, query.params);
      }
      const http: number[] = [];
      const bare: number[] = [];
      let response: GraphResponse | undefined;
      let last: CapturedQuery | undefined;
      let sqlRows = 0;
      const statements: RequestStatements[] = [];
      for (let i = 0; i < options.requests; i += 1) {
        const r = await timeRequest(baseUrl, range.path(server(i)), token!);
        http.push(r.ms);
        response = r.response;
        const taken = capture.take();
        last = taken.query;
        statements.push(taken.statements);
        const s = await timeSql(sql, last.sql, last.params);
        bare.push(s.ms);
        sqlRows = s.rows;
      }
      // The same window and buckets as the last request, from raw spans.
      const [, from, to] = last!.params as [string, Date, Date];
      const rawSql = rawAggregateSql(range.rawTable);
      const rawIds = range.rawTable === RAW_YEAR_TABLE ? rawServers : sample;
      const raw: number[] = [];
      let rawBuckets = 0;
      await timeSql(sql, rawSql, [rawIds[0], from, to, response!.stepSeconds]);
      for (let i = 0; i < range.rawRuns; i += 1) {
        const r = await timeSql(sql, rawSql, [rawIds[i % rawIds.length], from, to, response!.stepSeconds]);
        raw.push(r.ms);
        rawBuckets = r.rows;
      }
      const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
      const breakdown = {
        httpMs: mean(http),
        usageMs: mean(statements.map((s) => s.usageMs)),
        otherCount: mean(statements.map((s) => s.otherCount)),
        otherMs: mean(statements.map((s) => s.otherMs)),
      };
      const result: RangeResult = { range, http: summarize(http), sql: summarize(bare), raw: summarize(raw), response: response!, sqlRows, rawBuckets, breakdown };
      results.push(result);
      log(
        `${range.name}: ${response!.points} points from ${response!.source} (${response!.stepSeconds} s); HTTP p95 ${msText(result.http.p95Ms)}, bare SQL p95 ${msText(result.sql.p95Ms)} (${sqlRows} rows), raw aggregate p95 ${msText(result.raw.p95Ms)} (${rawBuckets} buckets)`,
      );
    }

    const rows: Row[] = [
      { metric: 'scale', value: `${thousands(options.servers)} servers, ${HISTORY_DAYS} days; graphs of ${sample.length} of them` },
      ...loaded.map((l) => ({ metric: `    history in ${l.table}`, value: `${thousands(l.rows)} rows, ${l.from.toISOString().slice(0, 16)}..${l.to.toISOString().slice(0, 16)}` })),
      { metric: `    raw spans for the raw baseline (${RAW_YEAR_TABLE}, ${rawServers.length} servers)`, value: `${thousands(rawRows)} rows` },
      { metric: '    history load (setup, not measured)', value: ms(loadMs) },
    ];
    for (const r of results) {
      const ratio = r.http.p95Ms / r.sql.p95Ms;
      rows.push(
        { metric: `${r.range.name}: ${r.response.points} points of ${r.response.stepSeconds} s from ${r.response.source} (${r.response.filled} filled)`, value: '' },
        { metric: `    HTTP, p50 / p95 (${r.http.samples} requests)`, value: `${msText(r.http.medianMs)} / ${msText(r.http.p95Ms)}` },
        { metric: `    bare SQL (the repository's statement, ${r.sqlRows} rows), p50 / p95`, value: `${msText(r.sql.medianMs)} / ${msText(r.sql.p95Ms)}` },
        { metric: '    HTTP p95 / bare SQL p95', value: ratio.toFixed(2), target: `<= ${SQL_TARGET_RATIO}`, met: ratio <= SQL_TARGET_RATIO },
        { metric: '    where a request goes (means): usage statement in the API', value: msText(r.breakdown.usageMs) },
        { metric: `        the API's other statements (${r.breakdown.otherCount.toFixed(1)} per request: token, user, server, disks)`, value: msText(r.breakdown.otherMs) },
        { metric: '        the rest (HTTP, auth, Nest, report building, JSON)', value: msText(r.breakdown.httpMs - r.breakdown.usageMs - r.breakdown.otherMs) },
        { metric: `    raw spans aggregated in SQL (${r.range.rawTable}, ${r.raw.samples} runs), p50 / p95`, value: `${msText(r.raw.medianMs)} / ${msText(r.raw.p95Ms)}` },
        { metric: '    gain: raw aggregate p95 / HTTP p95', value: `${(r.raw.p95Ms / r.http.p95Ms).toFixed(2)}x` },
        { metric: '    gain: raw aggregate p95 / bare SQL p95', value: `${(r.raw.p95Ms / r.sql.p95Ms).toFixed(2)}x` },
      );
    }
    printReport(`carve usage graphs benchmark: a year of usage for ${thousands(options.servers)} servers, ${options.requests} requests per range`, rows);
    console.log('');
    for (const r of results) {
      const ratio = r.http.p95Ms / r.sql.p95Ms;
      console.log(
        `${r.range.name.padEnd(9)} HTTP p95 / bare SQL p95: ${ratio.toFixed(2)} (target <= ${SQL_TARGET_RATIO}: ${ratio <= SQL_TARGET_RATIO ? 'met' : 'NOT met'}); raw aggregate p95 / HTTP p95: ${(r.raw.p95Ms / r.http.p95Ms).toFixed(2)}x`,
      );
    }
    log(`whole run: ${ms(Date.now() - runStarted)}`);
  } finally {
    await sql.end();
    await app.close();
    await database.drop();
    await clearRedisPrefix(prefix);
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

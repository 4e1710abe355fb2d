/**
 * `npm run billing:replay -- FILE` (or `-` for stdin): loads a billing scenario (issue 9,
 * item 6) into a fresh, empty database through carve's own services and ingest path, with
 * the clock set to the scenario's instants, runs the real invoice run for its period and
 * prints the invoices as JSON on stdout (progress goes to stderr). The database is
 * dropped afterwards, also on failure. Exit 0 when done, 1 for a malformed scenario or a
 * failed replay (one line naming the field), 2 for bad arguments.
 */
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@carve/config';
import { Redis } from 'ioredis';
import { createReplayDatabase, ReplayDatabase, ReplaySetupError } from './billing-replay/replay-database';
import { ReplayClock } from './billing-replay/replay-clock';
import { ReplayModule } from './billing-replay/replay.module';
import { replayScenario, ReplayStepError } from './billing-replay/replay-run';
import { parseScenario, ScenarioError } from './billing-replay/scenario';

const USAGE = `usage: npm run billing:replay -- FILE    (FILE - reads the scenario from stdin)

Replays a billing scenario into a fresh database (created on the PostgreSQL server of
DATABASE_URL, else TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/postgres, and
dropped afterwards; Redis at REDIS_URL, default redis://127.0.0.1:6379) and prints
{"invoices":[{"customer","currency","subtotal","tax","total","lines":[{"pool","kind","amount"}]}]}.`;

const say = (line: string) => process.stderr.write(`[billing:replay] ${line}\n`);

/** Nest's own logger writes everything but errors to stdout, which holds only the invoices here. */
class StderrLogger implements LoggerService {
  log(message: unknown, context?: unknown): void {
    if (context === 'billing') say(String(message));
  }
  warn(message: unknown, ...rest: unknown[]): void {
    say(`warning: ${String(message)}${typeof rest.at(-1) === 'string' ? ` (${String(rest.at(-1))})` : ''}`);
  }
  error(message: unknown): void {
    say(`error: ${String(message)}`);
  }
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Deletes what the replay's Redis prefix holds (BullMQ's queue meta keys at most). */
async function clearRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
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

async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv.length !== 1) {
    process.stderr.write(`billing:replay: expected one scenario file (or -), got ${argv.length} arguments\n${USAGE}\n`);
    return 2;
  }
  const file = argv[0]!;

  let text: string;
  try {
    text = await readInput(file);
  } catch (error) {
    process.stderr.write(`billing:replay: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }

  let database: ReplayDatabase | undefined;
  const redisUrl = blank(env.REDIS_URL) ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `replay_${randomBytes(6).toString('hex')}`;
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await clearRedisPrefix(redisUrl, redisPrefix).catch(() => undefined);
      if (database) {
        await database.drop().then(
          () => say(`database ${database!.name} dropped`),
          (error: Error) => say(`could not drop database ${database!.name}: ${error.message}`),
        );
      }
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const scenario = parseScenario(text);
    const serverUrl = blank(env.DATABASE_URL) ?? blank(env.TEST_POSTGRES_URL) ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    database = await createReplayDatabase(serverUrl);
    say(`database ${database.name} created and migrated`);
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      BILLING_TIME_ZONE: scenario.timeZone,
      METERING_INTERVAL_SECONDS: '0',
      RECONCILE_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'warn',
    });
    const clock = new ReplayClock(scenario.period.start);
    const app = await NestFactory.createApplicationContext(ReplayModule.forRoot(config, clock), { logger: new StderrLogger(), abortOnError: false });
    let output;
    try {
      output = await replayScenario(app, scenario, clock, say);
    } finally {
      await app.close();
    }
    const json = `${JSON.stringify(output, null, 2)}\n`;
    await new Promise<void>((resolve, reject) => process.stdout.write(json, (error) => (error ? reject(error) : resolve())));
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError && error.path === '(file)') {
      process.stderr.write(`billing:replay: ${file === '-' ? 'stdin' : file}: ${error.problem}\n`);
      return 1;
    }
    if (error instanceof ScenarioError || error instanceof ReplayStepError || error instanceof ReplaySetupError || error instanceof ConfigError) {
      process.stderr.write(`billing:replay: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await cleanUp();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`billing:replay: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

/**
 * `npm run seed:usage`: writes months of realistic usage for servers through metering's
 * ingest path (UsageIngest.ingestSpans), so graphs, benchmarks and billing have history to
 * work on. `npm run seed:usage -- --help` lists the options. Safe to run again: it writes
 * nothing twice. Exit 0 when done (or stopped with Ctrl-C), 1 on an error, 2 on bad options.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CarveError } from '@carve/core';
import { ConfigError, loadConfig } from '@carve/config';
import { openDatabase, runPendingMigrations } from './launcher/database';
import { LaunchError } from './launcher/launch-error';
import { SeedFleetError } from './seed-usage/seed-fleet';
import { HELP, parseSeedArgs, SeedOptionsError } from './seed-usage/seed-options';
import { runSeedUsage } from './seed-usage/seed-run';
import { resolveSeedTarget, SeedTarget } from './seed-usage/seed-target';
import { SeedUsageModule } from './seed-usage/seed-usage.module';

const say = (line: string) => console.log(`[seed:usage] ${line}`);

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseSeedArgs(argv);
  } catch (error) {
    if (!(error instanceof SeedOptionsError)) throw error;
    console.error(`seed:usage: ${error.message}`);
    return 2;
  }
  if (command.help) {
    console.log(HELP);
    return 0;
  }
  const { options } = command;

  let target: SeedTarget | undefined;
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130);
    say('stopping after the ingest calls in flight (Ctrl-C again to quit at once; the next run goes on from what is written)');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    target = await resolveSeedTarget(process.env, say);
    say(target.description);
    const db = await openDatabase(target.databaseUrl);
    try {
      const applied = await runPendingMigrations(db);
      if (applied > 0) say(`${applied} migration(s) applied`);
    } finally {
      await db.destroy();
    }
    const config = loadConfig({ ...process.env, DATABASE_URL: target.databaseUrl, REDIS_URL: target.redisUrl });
    const app = await NestFactory.createApplicationContext(SeedUsageModule.forRoot(config), { logger: ['error', 'warn'] });
    try {
      await runSeedUsage(app, options, { say, signal: interrupt.signal });
    } finally {
      await app.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof SeedOptionsError || error instanceof SeedFleetError || error instanceof ConfigError) {
      console.error(`seed:usage: ${error.message}`);
      return error instanceof SeedOptionsError ? 2 : 1;
    }
    if (error instanceof LaunchError) {
      console.error(`seed:usage: ${error.message}\n${error.hint}`);
      return 1;
    }
    if (error instanceof CarveError) {
      console.error(`seed:usage: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await target?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('seed:usage: unexpected error:', error);
    process.exit(1);
  },
);

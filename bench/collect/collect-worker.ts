/**
 * Child entry: carve's worker exactly as apps/worker/src/main.ts boots it (same module, same
 * config from the environment, same logger), with one bench-only addition that leaves the
 * production code untouched: each collection round's result is also sent to the bench over
 * IPC (`round`), with the process's own memory figures taken as the round ends.
 */
import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@carve/config';
import { CollectionScheduler } from '../../apps/worker/src/metering/collection.scheduler';
import { WorkerModule } from '../../apps/worker/src/worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new ConsoleLogger({ json: true }),
  });
  app.enableShutdownHooks();
  const scheduler = app.get(CollectionScheduler);
  // The timer calls this.round at each interval boundary; the first boundary is still ahead.
  const round = scheduler.round.bind(scheduler);
  scheduler.round = async (interval, intervalMs) => {
    const result = await round(interval, intervalMs);
    const memory = process.memoryUsage();
    process.send!({ type: 'round', round: result, endedAt: Date.now(), rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external });
    return result;
  };
  process.send!({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

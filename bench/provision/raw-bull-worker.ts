/**
 * Child entry for baseline (a): a plain BullMQ Worker that does nothing, in a process of its
 * own as carve's worker is. Args: REDIS_URL-style url, key prefix, job count, concurrency.
 * Says `ready` once it is consuming, and `done` with its clock when the count has completed.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { ChildMessage } from './child-process';

async function main(): Promise<void> {
  const [redisUrl, prefix, countArg, concurrencyArg] = process.argv.slice(2);
  if (!redisUrl || !prefix || !countArg || !concurrencyArg) throw new Error('raw-bull-worker needs: redis-url prefix count concurrency');
  const count = Number(countArg);
  const worker = new Worker('noop', async () => undefined, { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency: Number(concurrencyArg), autorun: false });
  let completed = 0;
  worker.on('completed', () => {
    completed += 1;
    if (completed === count) process.send!({ type: 'done', atMs: Date.now() });
  });
  const close = async (): Promise<void> => {
    await worker.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('message', (message: ChildMessage) => {
    if (message.type === 'close') void close();
  });
  await worker.waitUntilReady();
  void worker.run();
  process.send!({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

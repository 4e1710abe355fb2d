import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

export interface BullBaseline {
  jobs: number;
  wallMs: number;
}

/**
 * Raw BullMQ: `count` jobs that do nothing, through one queue and one worker with carve's
 * worker concurrency, on the same Redis. The ceiling carve's job machinery is compared with.
 */
export async function rawBullThroughput(redisUrl: string, prefix: string, count: number, concurrency: number): Promise<BullBaseline> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', { connection, prefix });
  let completed = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const worker = new Worker('noop', async () => undefined, { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency, autorun: false });
  worker.on('completed', () => {
    completed += 1;
    if (completed === count) allDone();
  });
  try {
    await worker.waitUntilReady();
    const started = process.hrtime.bigint();
    void worker.run();
    // Added one at a time, as carve's API adds each order's job.
    for (let i = 0; i < count; i += 1) await queue.add('noop', { i }, { removeOnComplete: true });
    await done;
    return { jobs: count, wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  }
}

import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startChild, type BenchChild, type ChildMessage } from './child-process';

export interface BullBaseline {
  jobs: number;
  wallMs: number;
}

/**
 * Raw BullMQ: `count` jobs that do nothing, through one queue; the Worker, with carve's
 * worker concurrency, runs in a child process (raw-bull-worker.ts) as carve's worker does,
 * and this process adds the jobs as the bench adds carve's no-op jobs. The ceiling carve's
 * job machinery is compared with. The hooks let the caller measure the child while it lives.
 */
export async function rawBullThroughput(
  redisUrl: string,
  prefix: string,
  count: number,
  concurrency: number,
  hooks: { started?: (child: BenchChild) => void; finished?: () => void } = {},
): Promise<BullBaseline> {
  const child = startChild('raw-bull-worker', 'bench/provision/raw-bull-worker.ts', [redisUrl, prefix, String(count), String(concurrency)], process.env);
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', { connection, prefix });
  try {
    await child.next('ready');
    hooks.started?.(child);
    const startedAtMs = Date.now();
    // Added one at a time, as carve's API adds each order's job.
    for (let i = 0; i < count; i += 1) await queue.add('noop', { i }, { removeOnComplete: true });
    const done = await child.next<ChildMessage & { atMs: number }>('done', 120_000);
    hooks.finished?.();
    return { jobs: count, wallMs: done.atMs - startedAtMs };
  } finally {
    await child.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  }
}

import { JobDispatcher, JobRepository } from '@carve/jobs';
import type { BenchStack } from './bench-stack';
import { BENCH_NOOP_JOB } from './noop-job.handler';
import type { TimedJob } from './order-phase';

export interface NoopLane {
  server: TimedJob;
  customerId: string;
}

/** The bench's servers with their owners' ids, read before the clock starts. */
export async function noopLanes(stack: BenchStack, servers: readonly TimedJob[]): Promise<NoopLane[]> {
  const rows = (await stack.db.query('SELECT id, customer_id FROM servers WHERE id = ANY($1)', [servers.map((s) => s.serverId)])) as { id: string; customer_id: string }[];
  const owner = new Map(rows.map((r) => [r.id, r.customer_id]));
  return servers.map((server) => ({ server, customerId: owner.get(server.serverId)! }));
}

/** Where the producer's time went: the job record's transaction, and the lane dispatch (claim + BullMQ add). */
export interface ProducerTime {
  insertMs: number;
  dispatchMs: number;
}

/**
 * Carve no-op jobs through the whole machinery, `count` of them spread over the bench's
 * server lanes (so most jobs wait for the one before them in their lane): each inserted
 * and dispatched as the API does (the job record in a transaction, then lane dispatch),
 * then run by the worker (host lease, running, one recorded step, succeeded, next in
 * lane dispatched). Added from this process through the jobs module's producer side, as the
 * API adds jobs (the API refuses the bench's job type), one at a time, like the raw BullMQ
 * baseline adds its jobs.
 */
export async function addNoopJobs(stack: BenchStack, lanes: readonly NoopLane[], count: number, spent: ProducerTime = { insertMs: 0, dispatchMs: 0 }): Promise<TimedJob[]> {
  const jobs = stack.producer.get(JobRepository);
  const dispatcher = stack.producer.get(JobDispatcher);
  const timed: TimedJob[] = [];
  for (let i = 0; i < count; i += 1) {
    const { server, customerId } = lanes[i % lanes.length]!;
    const sentAtMs = Date.now();
    const job = await jobs.transaction((manager) =>
      jobs.insert({ customerId, serverId: server.serverId, hostId: server.hostId, type: BENCH_NOOP_JOB, params: {}, requestedByUserId: null }, manager),
    );
    const insertedAtMs = Date.now();
    await dispatcher.dispatchLane(server.serverId);
    const acceptedAtMs = Date.now();
    spent.insertMs += insertedAtMs - sentAtMs;
    spent.dispatchMs += acceptedAtMs - insertedAtMs;
    timed.push({ ...server, jobId: job.id, sentAtMs, acceptedAtMs });
  }
  return timed;
}

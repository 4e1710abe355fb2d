import { runLimited } from '../timing';
import type { CarveApi } from '../../scripts/demo/carve-api';
import type { Accepted, IssuedToken, JobView, PoolView } from '../../scripts/demo/api-types';
import { DEMO_DISKS, DEMO_SSH_KEY } from '../../scripts/demo/server-orders';
import type { BenchStack } from './bench-stack';

export interface TimedJob {
  serverId: string;
  jobId: string;
  hostId: string;
  /** Index of the bench customer that owns the server. */
  customer: number;
  /** Client clock (same machine as the database) when the request left. */
  sentAtMs: number;
  acceptedAtMs: number;
}

export interface JobOutcome {
  jobId: string;
  status: string;
  startedAtMs: number | null;
  finishedAtMs: number | null;
}

export interface BenchCustomer {
  api: CarveApi;
  poolId: string;
}

/**
 * `count` customers, each with a shared pool with room for its share of the servers: a
 * reseller's load, where orders of different customers do not queue on one pool's row lock.
 */
export async function benchCustomers(stack: BenchStack, count: number, servers: number): Promise<BenchCustomer[]> {
  const share = Math.ceil(servers / count);
  const size = { memoryMiB: share * 1024, vcpus: share, diskGiB: share * 50, transferGB: 100_000 };
  const customers: BenchCustomer[] = [];
  for (let i = 0; i < count; i += 1) {
    const customer = await stack.api.post<{ id: string }>('/v1/customers', { name: `Bench Customer ${i}`, adminName: 'Bench Admin', adminEmail: `bench${i}@example.com` }, `bench-customer-${i}`);
    await stack.api.put(`/v1/customers/${customer.id}/pool-ceiling`, size);
    const token = await stack.api.post<IssuedToken>(`/v1/customers/${customer.id}/tokens`, { name: 'bench' }, `bench-token-${i}`);
    const api = stack.api.as(token.token);
    const pool = await api.post<PoolView>('/v1/pools', { name: 'bench', kind: 'shared', ...size }, 'bench-pool');
    customers.push({ api, poolId: pool.id });
  }
  return customers;
}

/** Orders `count` servers over HTTP, `concurrency` requests in flight; each with the demo's four filesystems. */
export async function orderServers(stack: BenchStack, customers: readonly BenchCustomer[], count: number, concurrency: number): Promise<TimedJob[]> {
  const timed: TimedJob[] = new Array<TimedJob>(count);
  await runLimited(count, concurrency, async (i) => {
    const { api, poolId } = customers[i % customers.length]!;
    const sentAtMs = Date.now();
    const accepted = await api.post<Accepted>(
      '/v1/servers',
      { name: `b${i}`, poolId, imageId: stack.imageId, memoryMiB: 512, maxMemoryMiB: 1024, vcpus: 1, sshKeys: [DEMO_SSH_KEY], disks: DEMO_DISKS },
      `bench-order-${i}`,
    );
    timed[i] = { serverId: accepted.server.id, jobId: accepted.job.id, hostId: accepted.server.hostId, customer: i % customers.length, sentAtMs, acceptedAtMs: Date.now() };
  });
  return timed;
}

/** A live memory resize per server: carve's lightest job (two steps, a config write and xl mem-set). */
export async function resizeServers(customers: readonly BenchCustomer[], servers: readonly TimedJob[], concurrency: number): Promise<TimedJob[]> {
  const timed: TimedJob[] = new Array<TimedJob>(servers.length);
  await runLimited(servers.length, concurrency, async (i) => {
    const server = servers[i]!;
    const { api } = customers[server.customer]!;
    const sentAtMs = Date.now();
    const answer = await api.post<{ jobs: JobView[]; memory?: string }>(`/v1/servers/${server.serverId}/resize`, { memoryMiB: 768 }, `bench-resize-${i}`);
    if (answer.memory !== 'live') throw new Error(`resize of ${server.serverId} answered ${answer.memory}, not live`);
    timed[i] = { ...server, jobId: answer.jobs[0]!.id, sentAtMs, acceptedAtMs: Date.now() };
  });
  return timed;
}

/**
 * Waits until every job has finished, watching the job table (polling each job over HTTP
 * would load the two cores the run is measuring), then reads their times.
 */
export async function waitForJobs(stack: BenchStack, jobs: readonly TimedJob[], timeoutMs: number): Promise<Map<string, JobOutcome>> {
  const ids = jobs.map((j) => j.jobId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = (await stack.db.query(`SELECT count(*)::int AS open FROM jobs WHERE id = ANY($1) AND status NOT IN ('succeeded', 'failed', 'cancelled')`, [ids])) as { open: number }[];
    if (row?.open === 0) break;
    if (Date.now() > deadline) throw new Error(`${row?.open} of ${ids.length} jobs still unfinished after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const rows = (await stack.db.query('SELECT id, status, started_at, finished_at FROM jobs WHERE id = ANY($1)', [ids])) as {
    id: string;
    status: string;
    started_at: Date | null;
    finished_at: Date | null;
  }[];
  return new Map(rows.map((r) => [r.id, { jobId: r.id, status: r.status, startedAtMs: r.started_at?.getTime() ?? null, finishedAtMs: r.finished_at?.getTime() ?? null }]));
}

/** Every job record, with its steps, read back through the API. */
export async function readJobs(api: CarveApi, ids: readonly string[], concurrency: number): Promise<JobView[]> {
  const jobs: JobView[] = new Array<JobView>(ids.length);
  await runLimited(ids.length, concurrency, async (i) => {
    jobs[i] = await api.get<JobView>(`/v1/jobs/${ids[i]}`);
  });
  return jobs;
}

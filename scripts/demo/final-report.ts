import type { JobView, PoolView } from './api-types';
import type { DemoContext } from './demo-context';
import { describeResource } from './customer-pools';
import { listAll, type DemoCustomer } from './operator-setup';
import { textTable } from './text-table';

function clockTime(iso: string): string {
  return new Date(iso).toISOString().slice(11, 23);
}

function duration(job: JobView): string {
  if (!job.startedAt) return '-';
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  return `${((end - Date.parse(job.startedAt)) / 1000).toFixed(2)} s`;
}

/** The pending jobs queue as the operator sees it, narrowed to this run's customers: newest first. */
export async function printJobsQueue(ctx: DemoContext, customers: DemoCustomer[], serverNames: Map<string, string>): Promise<JobView[]> {
  const perCustomer = await Promise.all(customers.map((c) => listAll<JobView>(ctx.operator, `/v1/jobs?customerId=${c.id}`)));
  const jobs = perCustomer.flat().sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const customerNames = new Map(customers.map((c) => [c.id, c.name]));
  const rows = jobs.map((j) => {
    const done = j.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
    return [
      clockTime(j.createdAt),
      customerNames.get(j.customerId ?? '') ?? j.customerId ?? '-',
      serverNames.get(j.serverId ?? '') ?? j.serverId ?? '-',
      j.type,
      j.status,
      `${done}/${j.steps.length}`,
      duration(j),
    ];
  });
  ctx.narrator.detail(textTable(['created (UTC)', 'customer', 'server', 'type', 'status', 'steps', 'duration'], rows, [5, 6]));
  return jobs;
}

export async function printPools(ctx: DemoContext, customers: DemoCustomer[], poolIds: string[]): Promise<PoolView[]> {
  const pools = await Promise.all(poolIds.map((id) => ctx.operator.get<PoolView>(`/v1/pools/${id}`)));
  const customerNames = new Map(customers.map((c) => [c.id, c.name]));
  const rows = pools.map((p) => [
    customerNames.get(p.customerId) ?? p.customerId,
    p.name,
    p.kind,
    describeResource(p.memoryMiB),
    describeResource(p.vcpus),
    describeResource(p.diskGiB),
    String(p.transferGB),
    String(p.serverCount),
  ]);
  ctx.narrator.detail('each resource as size / allocated / free');
  ctx.narrator.detail(textTable(['customer', 'pool', 'kind', 'memory MiB', 'vCPUs', 'disk GiB', 'transfer GB', 'servers'], rows, [3, 4, 5, 6, 7]));
  return pools;
}

import type { PoolResource, PoolView } from './api-types';
import type { DemoContext } from './demo-context';
import type { DemoCustomer } from './operator-setup';

export function describeResource(r: PoolResource): string {
  return `${r.size} / ${r.allocated} / ${r.free}`;
}

export function describePool(pool: PoolView): string {
  return `memory MiB ${describeResource(pool.memoryMiB)}, vCPUs ${describeResource(pool.vcpus)}, disk GiB ${describeResource(pool.diskGiB)} (size / allocated / free), transfer ${pool.transferGB} GB a month`;
}

export async function buySharedPool(ctx: DemoContext, customer: DemoCustomer, size: { memoryMiB: number; vcpus: number; diskGiB: number; transferGB: number }): Promise<PoolView> {
  const pool = await customer.api.post<PoolView>('/v1/pools', { name: 'production', kind: 'shared', ...size }, ctx.key(`pool-${customer.id}`));
  ctx.narrator.detail(`shared pool "${pool.name}": ${describePool(pool)}`);
  return pool;
}

export async function createDedicatedPool(ctx: DemoContext, customer: DemoCustomer, hostId: string, hostName: string): Promise<PoolView> {
  const pool = await customer.api.post<PoolView>('/v1/pools', { name: 'whole-host', kind: 'dedicated', hostId }, ctx.key(`pool-${customer.id}`));
  ctx.narrator.detail(`dedicated pool "${pool.name}" on ${hostName}, sized by the host: ${describePool(pool)}`);
  return pool;
}

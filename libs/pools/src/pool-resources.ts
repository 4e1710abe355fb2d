/** The four sizes a pool (and a customer's ceiling) has. Transfer is shared by a pool's servers, never allocated to one. */
export interface PoolSizes {
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
  transferGB: number;
}

export type PoolResource = keyof PoolSizes;
/** The resources servers take a share of. */
export type AllocatedResource = Exclude<PoolResource, 'transferGB'>;

export const POOL_RESOURCES: readonly PoolResource[] = ['memoryMiB', 'vcpus', 'diskGiB', 'transferGB'];
export const ALLOCATED_RESOURCES: readonly AllocatedResource[] = ['memoryMiB', 'vcpus', 'diskGiB'];

/** How a resource reads in an error message: "memory: 4096 MiB requested". */
export const RESOURCE_WORDS: Record<PoolResource, { noun: string; unit: string }> = {
  memoryMiB: { noun: 'memory', unit: 'MiB' },
  vcpus: { noun: 'vCPUs', unit: 'vCPUs' },
  diskGiB: { noun: 'disk', unit: 'GiB' },
  transferGB: { noun: 'transfer', unit: 'GB' },
};

export function describeAmount(resource: PoolResource, amount: number): string {
  return `${amount} ${RESOURCE_WORDS[resource].unit}`;
}

export const ZERO_SIZES: PoolSizes = Object.freeze({ memoryMiB: 0, vcpus: 0, diskGiB: 0, transferGB: 0 });

export function addSizes(a: PoolSizes, b: PoolSizes): PoolSizes {
  return { memoryMiB: a.memoryMiB + b.memoryMiB, vcpus: a.vcpus + b.vcpus, diskGiB: a.diskGiB + b.diskGiB, transferGB: a.transferGB + b.transferGB };
}

export interface CeilingExcess {
  resource: PoolResource;
  requested: number;
  available: number;
}

/**
 * Where `others + requested` would pass `ceiling`, resource by resource. `available` is
 * what is left for this pool under the ceiling once the customer's other shared pools
 * are counted (never negative: a ceiling lowered below usage leaves nothing).
 */
export function ceilingExcesses(ceiling: PoolSizes, others: PoolSizes, requested: PoolSizes): CeilingExcess[] {
  return POOL_RESOURCES.filter((r) => others[r] + requested[r] > ceiling[r]).map((resource) => ({
    resource,
    requested: requested[resource],
    available: Math.max(0, ceiling[resource] - others[resource]),
  }));
}

export interface AllocationShortfall {
  resource: AllocatedResource;
  requested: number;
  inUse: number;
}

/** Resources a new size would put below what the pool's servers already hold. */
export function belowAllocation(requested: Pick<PoolSizes, AllocatedResource>, allocated: Pick<PoolSizes, AllocatedResource>): AllocationShortfall[] {
  return ALLOCATED_RESOURCES.filter((r) => requested[r] < allocated[r]).map((resource) => ({ resource, requested: requested[resource], inUse: allocated[resource] }));
}

export interface Shortage {
  resource: AllocatedResource;
  requested: number;
  free: number;
}

/** What a reservation asks for beyond a pool's free headroom. */
export function shortages(requested: Pick<PoolSizes, AllocatedResource>, free: Pick<PoolSizes, AllocatedResource>): Shortage[] {
  return ALLOCATED_RESOURCES.filter((r) => requested[r] > free[r]).map((resource) => ({ resource, requested: requested[resource], free: free[resource] }));
}

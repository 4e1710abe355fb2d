import type { Pool } from './pool.entity';
import { AllocatedResource, PoolSizes } from './pool-resources';

export function sizesOf(pool: Pool): PoolSizes {
  return { memoryMiB: pool.memoryMiB, vcpus: pool.vcpus, diskGiB: pool.diskGiB, transferGB: pool.transferGB };
}

export function allocatedOf(pool: Pool): Record<AllocatedResource, number> {
  return { memoryMiB: pool.allocatedMemoryMiB, vcpus: pool.allocatedVcpus, diskGiB: pool.allocatedDiskGiB };
}

export function freeOf(pool: Pool): Record<AllocatedResource, number> {
  return {
    memoryMiB: Math.max(0, pool.memoryMiB - pool.allocatedMemoryMiB),
    vcpus: Math.max(0, pool.vcpus - pool.allocatedVcpus),
    diskGiB: Math.max(0, pool.diskGiB - pool.allocatedDiskGiB),
  };
}

import { Injectable } from '@nestjs/common';
import { Clock } from '@carve/core';
import { Host, hostCapacity } from '@carve/inventory';
import { EntityManager } from 'typeorm';
import { Pool } from './pool.entity';
import { PoolRepository } from './pool.repository';
import { PoolSizes, POOL_RESOURCES } from './pool-resources';
import { sizesOf } from './pool-usage';

/** A dedicated pool is its host's whole allocatable capacity and the host's monthly transfer. */
export function dedicatedSizes(host: Host): PoolSizes {
  const capacity = hostCapacity(host);
  return { memoryMiB: capacity.memoryMiB.total, vcpus: capacity.vcpus.total, diskGiB: capacity.diskGiB.total, transferGB: host.transferAllowanceGB };
}

/**
 * Keeps a dedicated pool's size equal to its host's capacity. The operator changes the
 * host (more RAM, another ratio); the pool follows the next time it is locked for an
 * allocation, with a size-change row so billing sees when. Never below what servers hold.
 */
@Injectable()
export class DedicatedPoolSizer {
  constructor(
    private readonly pools: PoolRepository,
    private readonly clock: Clock,
  ) {}

  /** `pool` must be locked in manager's transaction. Returns the pool, resized if its host changed. */
  async follow(manager: EntityManager, pool: Pool): Promise<Pool> {
    if (pool.kind !== 'dedicated' || !pool.hostId) return pool;
    const host = await manager.getRepository(Host).findOne({ where: { id: pool.hostId } });
    if (!host) return pool;
    const wanted = dedicatedSizes(host);
    const next: PoolSizes = {
      memoryMiB: Math.max(wanted.memoryMiB, pool.allocatedMemoryMiB),
      vcpus: Math.max(wanted.vcpus, pool.allocatedVcpus),
      diskGiB: Math.max(wanted.diskGiB, pool.allocatedDiskGiB),
      transferGB: wanted.transferGB,
    };
    const current = sizesOf(pool);
    if (POOL_RESOURCES.every((r) => current[r] === next[r])) return pool;
    Object.assign(pool, next);
    await manager.getRepository(Pool).update({ id: pool.id }, next);
    await this.pools.recordSizeChange(manager, { poolId: pool.id, customerId: pool.customerId, ...next, effectiveAt: this.clock.now(), changedByUserId: null });
    return pool;
  }
}

import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@carve/core';
import { CeilingBelowPoolsError } from './pool.errors';
import { PoolCeilingRepository } from './pool-ceiling.repository';
import { PoolRepository } from './pool.repository';
import { PoolSizes, POOL_RESOURCES, ZERO_SIZES } from './pool-resources';

export interface PoolCeilingState {
  customerId: string;
  /** The most the customer's shared pools may add up to; zero everywhere until the operator sets it. */
  ceiling: PoolSizes;
  /** What the customer's shared pools add up to now. */
  used: PoolSizes;
  updatedAt: Date | null;
}

/** The operator's limit on a customer's shared pools. */
@Injectable()
export class PoolCeilingService {
  constructor(
    private readonly ceilings: PoolCeilingRepository,
    private readonly pools: PoolRepository,
  ) {}

  async get(customerId: string): Promise<PoolCeilingState> {
    return this.ceilings.transaction(async (manager) => {
      if (!(await this.ceilings.customerExists(customerId, manager))) throw new NotFoundError('customer', customerId);
      const row = await this.ceilings.find(customerId, manager);
      const used = await this.pools.sharedTotals(manager, customerId);
      return { customerId, ceiling: row ? pick(row) : { ...ZERO_SIZES }, used, updatedAt: row?.updatedAt ?? null };
    });
  }

  /** Sets the ceiling under its row lock, which every shared pool size change also takes first. */
  async set(customerId: string, sizes: PoolSizes): Promise<PoolCeilingState> {
    return this.ceilings.transaction(async (manager) => {
      if (!(await this.ceilings.customerExists(customerId, manager))) throw new NotFoundError('customer', customerId);
      await this.ceilings.lockOrCreate(manager, customerId);
      const used = await this.pools.sharedTotals(manager, customerId);
      const below = POOL_RESOURCES.filter((r) => sizes[r] < used[r]).map((resource) => ({ resource, requested: sizes[resource], inUse: used[resource] }));
      if (below.length > 0) throw new CeilingBelowPoolsError(below);
      const row = await this.ceilings.save(manager, customerId, pick(sizes));
      return { customerId, ceiling: pick(row), used, updatedAt: row.updatedAt };
    });
  }
}

function pick(sizes: PoolSizes): PoolSizes {
  return { memoryMiB: sizes.memoryMiB, vcpus: sizes.vcpus, diskGiB: sizes.diskGiB, transferGB: sizes.transferGB };
}

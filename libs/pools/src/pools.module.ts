import { BilledPools } from './billed-pools';
import { Module } from '@nestjs/common';
import { InventoryModule } from '@carve/inventory';
import { DedicatedPoolSizer } from './dedicated-pool-size';
import { PoolAllocator } from './pool-allocator';
import { PoolCeilingRepository } from './pool-ceiling.repository';
import { PoolLiveServers } from './pool-live-servers';
import { PoolCeilingService } from './pool-ceiling.service';
import { PoolRepository } from './pool.repository';
import { PoolService } from './pool.service';

/** Pools and ceilings for the API, and PoolAllocator for whoever orders, resizes and deletes servers. */
@Module({
  imports: [InventoryModule],
  providers: [PoolLiveServers, PoolRepository, PoolCeilingRepository, PoolService, PoolCeilingService, DedicatedPoolSizer, PoolAllocator, BilledPools],
  exports: [PoolLiveServers, PoolService, PoolCeilingService, PoolAllocator, DedicatedPoolSizer, BilledPools],
})
export class PoolsModule {}

import { Module } from '@nestjs/common';
import { TransferModule } from '@carve/metering';
import { PoolsModule } from '@carve/pools';
import { OwnPoolCeilingController } from './own-pool-ceiling.controller';
import { PoolCeilingsController } from './pool-ceilings.controller';
import { PoolsController } from './pools.controller';

/** The HTTP side of the pools capability. TransferModule: a pool's transfer this month, in its detail. */
@Module({ imports: [PoolsModule, TransferModule], controllers: [PoolsController, PoolCeilingsController, OwnPoolCeilingController] })
export class PoolsApiModule {}

import { Module } from '@nestjs/common';
import { PoolsModule } from '@carve/pools';
import { OwnPoolCeilingController } from './own-pool-ceiling.controller';
import { PoolCeilingsController } from './pool-ceilings.controller';
import { PoolsController } from './pools.controller';

/** The HTTP side of the pools capability. */
@Module({ imports: [PoolsModule], controllers: [PoolsController, PoolCeilingsController, OwnPoolCeilingController] })
export class PoolsApiModule {}

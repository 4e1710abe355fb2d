import { Module } from '@nestjs/common';
import { PoolsModule } from '@carve/pools';
import { PoolCeilingsController } from './pool-ceilings.controller';
import { PoolsController } from './pools.controller';

/** The HTTP side of the pools capability. */
@Module({ imports: [PoolsModule], controllers: [PoolsController, PoolCeilingsController] })
export class PoolsApiModule {}

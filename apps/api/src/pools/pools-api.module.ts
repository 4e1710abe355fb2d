import { Module } from '@nestjs/common';

/** The HTTP side of the pools capability. */
@Module({ imports: [], controllers: [] })
export class PoolsApiModule {}

import { DynamicModule, Module } from '@nestjs/common';
import { CarveConfig, ConfigModule } from '@carve/config';
import { CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { RedisModule } from '@carve/redis';
import { WorkerHeartbeat } from './worker-heartbeat.service';

/** The only process that runs BullMQ workers. */
@Module({})
export class WorkerModule {
  static forRoot(config: CarveConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), CoreModule, DatabaseModule.forRoot({ entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS }), RedisModule],
      providers: [WorkerHeartbeat],
    };
  }
}

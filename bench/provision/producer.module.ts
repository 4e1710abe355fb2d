import { DynamicModule, Module } from '@nestjs/common';
import { CarveConfig, ConfigModule } from '@carve/config';
import { CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { JobsModule } from '@carve/jobs';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { RedisModule } from '@carve/redis';

/**
 * What the bench process itself holds of carve: the jobs module's producer side (the
 * JobRepository and JobDispatcher the API adds jobs with, for the bench-only no-op jobs that
 * the API's catalog refuses) and a database connection for reading job times. No HTTP, no
 * BullMQ consumer: those are the API and worker children.
 */
@Module({})
export class BenchProducerModule {
  static forRoot(config: CarveConfig): DynamicModule {
    return {
      module: BenchProducerModule,
      imports: [ConfigModule.forRoot(config), CoreModule, DatabaseModule.forRoot({ entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS }), RedisModule, JobsModule],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { CarveConfig, ConfigModule } from '@carve/config';
import { CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { ImagesModule } from '@carve/images';
import { InventoryModule } from '@carve/inventory';
import { MeteringModule } from '@carve/metering';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { PoolsModule } from '@carve/pools';
import { RedisModule } from '@carve/redis';
import { TenancyModule } from '@carve/tenancy';

/**
 * What `npm run seed:usage` holds of carve: metering's ingest path, and the services that
 * pick servers and make synthetic ones (servers come with MeteringModule). RedisModule only
 * because the jobs module under servers needs a connection; the seed itself uses none.
 */
@Module({})
export class SeedUsageModule {
  static forRoot(config: CarveConfig): DynamicModule {
    return {
      module: SeedUsageModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule,
        DatabaseModule.forRoot({ entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS }),
        RedisModule,
        MeteringModule,
        TenancyModule,
        InventoryModule,
        PoolsModule,
        ImagesModule,
      ],
    };
  }
}

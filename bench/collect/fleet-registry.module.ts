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
 * What the bench process holds of carve while it registers the fleet: the services that
 * make customers, hosts, pools and servers (servers come with MeteringModule). It is closed
 * before the worker starts, so none of its work is in the measured window.
 */
@Module({})
export class FleetRegistryModule {
  static forRoot(config: CarveConfig): DynamicModule {
    return {
      module: FleetRegistryModule,
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

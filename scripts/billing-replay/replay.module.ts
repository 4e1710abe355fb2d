import { DynamicModule, Module } from '@nestjs/common';
import { InvoicesModule } from '@carve/billing';
import { CarveConfig, ConfigModule } from '@carve/config';
import { Clock, CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { InventoryModule } from '@carve/inventory';
import { MeteringModule } from '@carve/metering';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { PoolsModule } from '@carve/pools';
import { RedisModule } from '@carve/redis';
import { TenancyModule } from '@carve/tenancy';
import { ReplayClock } from './replay-clock';

/**
 * What `npm run billing:replay` holds of carve: the services a scenario goes through
 * (customers, hosts, pools, the price book, metering's ingest) and the invoice run, with
 * CoreModule's Clock replaced by the replay's. RedisModule only because the jobs module
 * under metering's servers needs a connection; a replay queues nothing.
 */
@Module({})
export class ReplayModule {
  static forRoot(config: CarveConfig, clock: ReplayClock): DynamicModule {
    return {
      module: ReplayModule,
      imports: [
        ConfigModule.forRoot(config),
        // The same global module with its Clock provider overridden: providers given here replace the decorator's.
        { module: CoreModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] },
        DatabaseModule.forRoot({ entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS }),
        RedisModule,
        TenancyModule,
        InventoryModule,
        PoolsModule,
        MeteringModule,
        InvoicesModule,
      ],
    };
  }
}

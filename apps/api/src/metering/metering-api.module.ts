import { Module } from '@nestjs/common';
import { InventoryModule } from '@carve/inventory';
import { MeteringModule } from '@carve/metering';
import { PoolsModule } from '@carve/pools';
import { ServersModule } from '@carve/servers';
import { UsageController } from './usage.controller';

/** The HTTP side of metering: usage reports and graphs. */
@Module({ imports: [MeteringModule, ServersModule, PoolsModule, InventoryModule], controllers: [UsageController] })
export class MeteringApiModule {}

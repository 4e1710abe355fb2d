import { Module } from '@nestjs/common';
import { EventsModule } from '@carve/events';
import { InventoryModule } from '@carve/inventory';
import { PoolsModule } from '@carve/pools';
import { PoolTransferUsage } from './pool-transfer-usage';
import { TransferAlerts } from './transfer-alerts';
import { TransferUsageRepository } from './transfer-usage.repository';

/**
 * Pooled transfer: a pool's month so far (the API's pool detail) and the 80% / 100% alerts
 * (the worker runs them). InventoryModule: a dedicated pool's allowance is its host's.
 */
@Module({
  imports: [PoolsModule, EventsModule, InventoryModule],
  providers: [TransferUsageRepository, PoolTransferUsage, TransferAlerts],
  exports: [PoolTransferUsage, TransferAlerts],
})
export class TransferModule {}

import { Module } from '@nestjs/common';
import { MeteredServers } from './metered-servers';
import { InventoryModule } from '@carve/inventory';
import { JobsModule } from '@carve/jobs';
import { PoolsModule } from '@carve/pools';
import { ServerActionsService } from './server-actions.service';
import { ServerJobCancellation } from './server-job-cancellation';
import { ServerLimitsService } from './server-limits.service';
import { ServerOrderService } from './server-order.service';
import { ServerReservations } from './server-reservations';
import { ServerService } from './server.service';
import { ServerRepository } from './server.repository';

@Module({
  imports: [InventoryModule, PoolsModule, JobsModule],
  providers: [ServerRepository, ServerReservations, ServerOrderService, ServerActionsService, ServerService, ServerJobCancellation, MeteredServers, ServerLimitsService],
  exports: [ServerRepository, ServerReservations, ServerOrderService, ServerActionsService, ServerService, MeteredServers, ServerLimitsService],
})
export class ServersModule {}

import { Module } from '@nestjs/common';
import { MeteredServers } from './metered-servers';
import { PoolLiveServersRegistration } from './pool-live-servers.registration';
import { InventoryModule } from '@carve/inventory';
import { JobsModule } from '@carve/jobs';
import { PoolsModule } from '@carve/pools';
import { TenancyModule } from '@carve/tenancy';
import { RescueImageSettings } from './rescue/rescue-image.settings';
import { ServerRescueService } from './rescue/server-rescue.service';
import { ServerActionsService } from './server-actions.service';
import { ServerJobCancellation } from './server-job-cancellation';
import { ServerLimitsService } from './server-limits.service';
import { ServerOrderService } from './server-order.service';
import { ServerReservations } from './server-reservations';
import { ServerService } from './server.service';
import { ServerRepository } from './server.repository';

@Module({
  imports: [InventoryModule, PoolsModule, JobsModule, TenancyModule],
  providers: [ServerRepository, ServerReservations, ServerOrderService, ServerActionsService, ServerService, ServerJobCancellation, MeteredServers, ServerLimitsService, RescueImageSettings, ServerRescueService, PoolLiveServersRegistration],
  exports: [ServerRepository, ServerReservations, ServerOrderService, ServerActionsService, ServerService, MeteredServers, ServerLimitsService, RescueImageSettings, ServerRescueService],
})
export class ServersModule {}

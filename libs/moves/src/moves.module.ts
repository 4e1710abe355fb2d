import { Module } from '@nestjs/common';
import { EventsModule } from '@carve/events';
import { InventoryModule } from '@carve/inventory';
import { JobsModule } from '@carve/jobs';
import { ServersModule } from '@carve/servers';
import { DrainFinisher } from './drain-finisher';
import { HostDrainService } from './host-drain.service';
import { ServerMoveRepository } from './server-move.repository';
import { ServerMoveService } from './server-move.service';

/** Moving servers between hosts and draining hosts, as the API and the worker share it. */
@Module({
  imports: [ServersModule, InventoryModule, JobsModule, EventsModule],
  providers: [ServerMoveRepository, ServerMoveService, HostDrainService, DrainFinisher],
  exports: [ServerMoveRepository, ServerMoveService, HostDrainService, DrainFinisher],
})
export class MovesModule {}

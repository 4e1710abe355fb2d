import { Module } from '@nestjs/common';
import { ServersModule } from '@carve/servers';
import { ServerLimitsController } from './server-limits.controller';
import { ServerRescueController } from './server-rescue.controller';
import { ServersController } from './servers.controller';

/** The HTTP side of the servers capability. */
@Module({ imports: [ServersModule], controllers: [ServersController, ServerLimitsController, ServerRescueController] })
export class ServersApiModule {}

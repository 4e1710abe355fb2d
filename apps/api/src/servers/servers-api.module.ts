import { Module } from '@nestjs/common';
import { ServersModule } from '@carve/servers';
import { ServersController } from './servers.controller';

/** The HTTP side of the servers capability. */
@Module({ imports: [ServersModule], controllers: [ServersController] })
export class ServersApiModule {}

import { Module } from '@nestjs/common';
import { ConsoleModule } from '@carve/console';
import { ConsoleGatewayModule } from '@carve/console-gateway';
import { ServersModule } from '@carve/servers';
import { TenancyModule } from '@carve/tenancy';
import { ConsoleController } from './console.controller';
import { ConsolePage } from './console.page';
import { ConsoleWebSocket } from './console.websocket';

/** The web side of server consoles: tickets, the WebSocket, the xterm.js page; sessions under ConsoleSessionPolicy (caps, audit, idle, revocation). */
@Module({ imports: [ConsoleModule, ConsoleGatewayModule, ServersModule, TenancyModule], controllers: [ConsoleController], providers: [ConsoleWebSocket, ConsolePage] })
export class ConsoleApiModule {}

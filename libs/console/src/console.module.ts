import { Module } from '@nestjs/common';
import { InventoryModule } from '@carve/inventory';
import { ServersModule } from '@carve/servers';
import { TenancyModule } from '@carve/tenancy';
import { CONSOLE_HUB } from './console-hub';
import { ConsoleAccessService } from './console-access.service';
import { ConsoleHubService } from './console-hub.service';
import { ConsoleTicketService } from './console-ticket.service';
import { CONSOLE_UPSTREAM_OPENER } from './console-upstream';
import { Dom0ConsoleOpener } from './dom0-console-opener';

/**
 * Server consoles: the hub (one upstream per server, shared by every viewer of this
 * process), the Dom0 opener behind it, tickets and access rules. The API's WebSocket and
 * the SSH gateway both import this and attach through CONSOLE_HUB.
 */
@Module({
  imports: [ServersModule, InventoryModule, TenancyModule],
  providers: [
    Dom0ConsoleOpener,
    { provide: CONSOLE_UPSTREAM_OPENER, useExisting: Dom0ConsoleOpener },
    ConsoleHubService,
    { provide: CONSOLE_HUB, useExisting: ConsoleHubService },
    ConsoleTicketService,
    ConsoleAccessService,
  ],
  exports: [CONSOLE_HUB, ConsoleHubService, ConsoleTicketService, ConsoleAccessService],
})
export class ConsoleModule {}

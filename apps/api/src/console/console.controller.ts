import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CarveError } from '@carve/core';
import { ConsoleAccessService } from '@carve/console';
import { ServerService } from '@carve/servers';
import { Actor, CurrentActor } from '@carve/tenancy';
import { ReadRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { ConsoleTicketDoc } from './console-ticket.view';

/**
 * A server's console in a browser: a ticket here, then the WebSocket at
 * /v1/servers/{id}/console?ticket=... (console.websocket.ts answers the upgrade).
 */
@ApiTags('console')
@Controller('v1/servers')
export class ConsoleController {
  constructor(
    private readonly access: ConsoleAccessService,
    private readonly servers: ServerService,
  ) {}

  @Post(':id/console-tickets')
  @HttpCode(201)
  @ReadRoute(404, 409)
  @ApiOperation({ summary: 'A single-use ticket (60 s) to open the server console WebSocket; customer viewers get one to watch' })
  @ApiCreatedResponse({ type: ConsoleTicketDoc })
  async ticket(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<ConsoleTicketDoc> {
    const issued = await this.access.issueTicket(actor, id);
    return { ...issued, expiresAt: issued.expiresAt.toISOString() };
  }

  /** Only reached without an Upgrade header: the WebSocket itself never gets here. */
  @Get(':id/console')
  @ReadRoute(404)
  @ApiOperation({
    summary: 'The server console as a WebSocket (GET with Upgrade: websocket and ?ticket=)',
    description:
      'Binary frames carry console bytes both ways (only the typist\'s reach the console); text frames carry JSON control messages: ' +
      'the server sends {"type":"status",...} and {"type":"ended","reason","message"}, the client may send {"type":"take-keyboard"}. ' +
      'A plain GET answers 426.',
  })
  @ApiResponse({ status: 426, description: 'Not a WebSocket upgrade (upgrade_required)' })
  async describe(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<never> {
    await this.servers.get(actor, id); // another tenant's server is a 404, as a missing one
    throw new CarveError('upgrade_required', 426, 'Upgrade required', 'Open this URL as a WebSocket with ?ticket= from POST /v1/servers/{id}/console-tickets.');
  }
}

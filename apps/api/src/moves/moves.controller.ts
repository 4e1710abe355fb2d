import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '@carve/audit';
import { AcceptedMove, DrainSummary, HostDrainService, ServerMoveService } from '@carve/moves';
import { Actor, CurrentActor } from '@carve/tenancy';
import type { FastifyReply } from 'fastify';
import { OperatorRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { DrainSummaryDoc, MoveAcceptedDoc, MoveServerDto } from './move.dto';

/** Moving a server to another host and draining a host (operators). */
@ApiTags('moves')
@Controller('v1')
export class MovesController {
  constructor(
    private readonly moves: ServerMoveService,
    private readonly drains: HostDrainService,
  ) {}

  @Post('servers/:id/move')
  @HttpCode(202)
  @OperatorRoute(400, 404, 409)
  @Audited('servers.move', 'server', { param: 'id' })
  @ApiAcceptedResponse({ type: MoveAcceptedDoc })
  move(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: MoveServerDto): Promise<AcceptedMove> {
    return this.moves.move(actor, id, body.targetHostId ?? null);
  }

  @Post('hosts/:id/drain')
  @HttpCode(202)
  @OperatorRoute(404, 409)
  @Audited('hosts.drain', 'host', { param: 'id' })
  @ApiAcceptedResponse({ type: DrainSummaryDoc, description: 'The drain started; 200 with the drain in progress when the host is already draining' })
  async drain(@CurrentActor() actor: Actor, @UuidParam() id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<DrainSummary> {
    const { started, summary } = await this.drains.drain(actor, id);
    if (!started) reply.status(200);
    return summary;
  }

  @Get('hosts/:id/drain')
  @OperatorRoute(404)
  @ApiOkResponse({ type: DrainSummaryDoc })
  latestDrain(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<DrainSummary> {
    return this.drains.latest(actor, id);
  }
}

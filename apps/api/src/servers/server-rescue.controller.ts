import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '@carve/audit';
import { ServerRescueService } from '@carve/servers';
import { Actor, CurrentActor } from '@carve/tenancy';
import { WriteRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { AcceptedDoc } from './server.view';

/**
 * Rescue mode: the server boots the operator's rescue system with its own disks attached,
 * networking configured and the customer's SSH keys authorised for root, and back.
 */
@ApiTags('servers')
@Controller('v1/servers')
export class ServerRescueController {
  constructor(private readonly rescue: ServerRescueService) {}

  @Post(':id/rescue')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @Audited('servers.rescue', 'server')
  @ApiAcceptedResponse({ type: AcceptedDoc, description: 'The server goes to entering_rescue; the job stops the domain and boots the rescue system (state rescue)' })
  enter(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<AcceptedDoc> {
    return this.rescue.enter(actor, id);
  }

  @Post(':id/rescue/exit')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @Audited('servers.rescue-exit', 'server')
  @ApiAcceptedResponse({ type: AcceptedDoc, description: 'The server goes to leaving_rescue; the job stops the rescue system and boots the normal config (state running)' })
  exit(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<AcceptedDoc> {
    return this.rescue.exit(actor, id);
  }
}

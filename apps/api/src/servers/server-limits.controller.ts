import { Body, Controller, HttpCode, Patch } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '@carve/audit';
import { InvalidInputError } from '@carve/core';
import { ServerLimitsService } from '@carve/servers';
import { Actor, CurrentActor } from '@carve/tenancy';
import { OperatorRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { LimitsAcceptedDoc, ServerLimitsDto } from './server-limits.dto';

/** What a server may use of its host besides its size (operators): CPU cap and weight, network rate. */
@ApiTags('servers')
@Controller('v1/servers')
export class ServerLimitsController {
  constructor(private readonly limits: ServerLimitsService) {}

  @Patch(':id/limits')
  @HttpCode(202)
  @OperatorRoute(404, 409)
  @Audited('servers.limits', 'server')
  @ApiAcceptedResponse({ type: LimitsAcceptedDoc, description: 'Limits stored on the server (they survive reboots, root switches and moves); the job applies them on the Dom0' })
  async set(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: ServerLimitsDto): Promise<LimitsAcceptedDoc> {
    const { cpuCapPercent, cpuWeight, networkRateMbit } = body;
    if (cpuCapPercent === undefined && cpuWeight === undefined && networkRateMbit === undefined) {
      throw new InvalidInputError([{ field: 'cpuCapPercent', message: 'give cpuCapPercent, cpuWeight, networkRateMbit or several' }]);
    }
    const { server, job, applied } = await this.limits.set(actor, id, { cpuCapPercent, cpuWeight, networkRateMbit });
    return { server, job, ...applied };
  }
}

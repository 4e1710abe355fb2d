import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ForbiddenError } from '@carve/core';
import { PoolCeilingService } from '@carve/pools';
import { Actor, CurrentActor } from '@carve/tenancy';
import { ReadRoute } from '../http/api-docs.decorators';
import { PoolCeilingView } from './pool-ceiling.view';

/** A customer's own ceiling, so it can plan its pools before a 409 tells it the limit. */
@ApiTags('pools')
@Controller('v1/pool-ceiling')
export class OwnPoolCeilingController {
  constructor(private readonly ceilings: PoolCeilingService) {}

  @Get()
  @ReadRoute(403)
  @ApiOkResponse({ type: PoolCeilingView, description: "The caller's ceiling and what its shared pools use of it (customers only)" })
  async get(@CurrentActor() actor: Actor): Promise<PoolCeilingView> {
    if (actor.customerId === null) throw new ForbiddenError('Operators read a customer\'s ceiling at /v1/customers/{id}/pool-ceiling.');
    return PoolCeilingView.of(await this.ceilings.get(actor.customerId));
  }
}

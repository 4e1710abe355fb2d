import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PoolCeilingService } from '@carve/pools';
import { OperatorRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { PoolCeilingView } from './pool-ceiling.view';
import { PoolSizesDto } from './pool-sizes.dto';

/** The most a customer's shared pools may add up to. Set by the operator; zero until set. */
@ApiTags('pools')
@Controller('v1/customers')
export class PoolCeilingsController {
  constructor(private readonly ceilings: PoolCeilingService) {}

  @Get(':id/pool-ceiling')
  @OperatorRoute(404)
  @ApiOkResponse({ type: PoolCeilingView })
  async get(@UuidParam() id: string): Promise<PoolCeilingView> {
    return PoolCeilingView.of(await this.ceilings.get(id));
  }

  @Put(':id/pool-ceiling')
  @OperatorRoute(404, 409)
  @ApiOkResponse({ type: PoolCeilingView, description: "409 ceiling_below_pools when the customer's shared pools already add up to more" })
  async set(@UuidParam() id: string, @Body() body: PoolSizesDto): Promise<PoolCeilingView> {
    return PoolCeilingView.of(await this.ceilings.set(id, body));
  }
}

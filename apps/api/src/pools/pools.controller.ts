import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PoolTransferUsage } from '@carve/metering';
import { PoolService } from '@carve/pools';
import { Actor, CurrentActor } from '@carve/tenancy';
import { ReadRoute, WriteRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { rejectNulls } from '../http/reject-nulls';
import { UuidParam } from '../http/uuid-param';
import { CreatePoolDto, PoolListQuery, toCreatePoolInput, UpdatePoolDto } from './pool.dto';
import { PoolDetailView, PoolPage, PoolSizeChangeView, PoolView } from './pool.view';

/** Customers' resource pools: their own (admins write, viewers read); operators see and manage every customer's. */
@ApiTags('pools')
@Controller('v1/pools')
export class PoolsController {
  constructor(
    private readonly pools: PoolService,
    private readonly transfer: PoolTransferUsage,
  ) {}

  @Post()
  @WriteRoute(409)
  @ApiCreatedResponse({
    type: PoolView,
    description:
      'Shared: within the account ceiling (409 pool_ceiling_exceeded), billed by transfer unless billing says p95. ' +
      "Dedicated: the whole capacity of an active host dedicated to the customer; its rent is not billed until the operator sets its monthlyPrice (PATCH).",
  })
  async create(@CurrentActor() actor: Actor, @Body() body: CreatePoolDto): Promise<PoolView> {
    return PoolView.of(await this.pools.create(actor, toCreatePoolInput(body)));
  }

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: PoolPage })
  async list(@CurrentActor() actor: Actor, @Query() query: PoolListQuery): Promise<PoolPage> {
    const page = await this.pools.list(actor, pageRequest(query), { customerId: query.customerId, kind: query.kind });
    return { items: page.items.map(PoolView.of), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ReadRoute(404)
  @ApiOkResponse({ type: PoolDetailView, description: "Each resource as size / allocated / free, the servers in the pool, and this month's outbound transfer" })
  async get(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<PoolDetailView> {
    const detail = await this.pools.get(actor, id);
    return PoolDetailView.ofDetail(detail, await this.transfer.ofPool(detail.pool));
  }

  @Get(':id/size-changes')
  @ReadRoute(404)
  @ApiOkResponse({ type: [PoolSizeChangeView], description: 'Every size the pool has had and from when, oldest first' })
  async sizeChanges(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<PoolSizeChangeView[]> {
    return (await this.pools.sizeHistory(actor, id)).map(PoolSizeChangeView.of);
  }

  @Patch(':id')
  @WriteRoute(404, 409)
  @ApiOkResponse({
    type: PoolView,
    description:
      'Renames; resizes a shared pool within the ceiling and never below what servers use (409 pool_ceiling_exceeded, pool_below_allocation, dedicated_pool_fixed_size); ' +
      "sets how it is billed: billing (shared pools) or monthlyPrice (dedicated pools, operators only). A billing change applies to the whole of the next invoice, the month in progress included.",
  })
  async update(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: UpdatePoolDto): Promise<PoolView> {
    return PoolView.of(await this.pools.update(actor, id, rejectNulls(body, ['monthlyPrice'])));
  }

  @Delete(':id')
  @HttpCode(204)
  @WriteRoute(404, 409)
  async remove(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<void> {
    await this.pools.remove(actor, id);
  }
}

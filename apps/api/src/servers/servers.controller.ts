import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InvalidInputError } from '@carve/core';
import { ServerActionsService, ServerOrderService, ServerService } from '@carve/servers';
import { Actor, CurrentActor } from '@carve/tenancy';
import { ReadRoute, WriteRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { UuidParam } from '../http/uuid-param';
import { DiskDto, GrowDiskDto, OrderServerDto, RemoveDiskDto, ResizeServerDto, ServerListQuery, StopServerDto, toServerOrder } from './server.dto';
import { AcceptedDoc, ResizeAcceptedDoc, ServerDoc, ServerPage } from './server.view';

/**
 * Ordering and changing servers. Every change answers 202 with the job that carries it
 * out on the Dom0; follow it at /v1/jobs/{id}.
 */
@ApiTags('servers')
@Controller('v1/servers')
export class ServersController {
  constructor(
    private readonly servers: ServerService,
    private readonly orders: ServerOrderService,
    private readonly actions: ServerActionsService,
  ) {}

  @Post()
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc, description: 'Order accepted: resources reserved, create job queued' })
  order(@CurrentActor() actor: Actor, @Body() body: OrderServerDto): Promise<AcceptedDoc> {
    return this.orders.order(actor, toServerOrder(body));
  }

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: ServerPage })
  list(@CurrentActor() actor: Actor, @Query() query: ServerListQuery): Promise<ServerPage> {
    const { limit: _l, cursor: _c, ...filter } = query;
    return this.servers.list(actor, pageRequest(query), filter);
  }

  @Get(':id')
  @ReadRoute(404)
  @ApiOkResponse({ type: ServerDoc })
  get(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<ServerDoc> {
    return this.servers.get(actor, id);
  }

  @Post(':id/start')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc })
  start(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<AcceptedDoc> {
    return this.actions.start(actor, id);
  }

  @Post(':id/stop')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc, description: 'Graceful shutdown, then destroy after timeoutSeconds' })
  stop(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: StopServerDto): Promise<AcceptedDoc> {
    return this.actions.stop(actor, id, body.timeoutSeconds);
  }

  @Post(':id/reboot')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc })
  reboot(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<AcceptedDoc> {
    return this.actions.reboot(actor, id);
  }

  @Post(':id/resize')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: ResizeAcceptedDoc, description: 'Says for memory and vCPUs whether the change applies live or at the next boot' })
  async resize(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: ResizeServerDto): Promise<ResizeAcceptedDoc> {
    await this.servers.get(actor, id); // another tenant's server is a 404 before any input error
    if (body.memoryMiB === undefined && body.vcpus === undefined) {
      throw new InvalidInputError([{ field: 'memoryMiB', message: 'give memoryMiB, vcpus or both' }]);
    }
    const { server, jobs, applied } = await this.actions.resize(actor, id, body);
    return { server, jobs, ...applied };
  }

  @Post(':id/disks')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc, description: 'A data or swap disk: LV created, filesystem made, attached if running' })
  addDisk(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: DiskDto): Promise<AcceptedDoc> {
    return this.actions.addDisk(actor, id, body);
  }

  @Patch(':id/disks/:diskId')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc, description: 'Grows the LV, then the filesystem (a running guest grows its own; see the job step note)' })
  growDisk(@CurrentActor() actor: Actor, @UuidParam() id: string, @UuidParam('diskId') diskId: string, @Body() body: GrowDiskDto): Promise<AcceptedDoc> {
    return this.actions.growDisk(actor, id, diskId, body.sizeGiB);
  }

  @Delete(':id/disks/:diskId')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc, description: "Destroys the disk's data: the body repeats its label" })
  removeDisk(@CurrentActor() actor: Actor, @UuidParam() id: string, @UuidParam('diskId') diskId: string, @Body() body: RemoveDiskDto): Promise<AcceptedDoc> {
    return this.actions.removeDisk(actor, id, diskId, body.confirmLabel);
  }

  @Post(':id/switch-root')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc, description: 'Boot the standby root from the next boot on' })
  switchRoot(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<AcceptedDoc> {
    return this.actions.switchRoot(actor, id);
  }

  @Delete(':id')
  @HttpCode(202)
  @WriteRoute(404, 409)
  @ApiAcceptedResponse({ type: AcceptedDoc, description: 'Destroys the domain, removes every volume and gives the resources back to the pool' })
  delete(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<AcceptedDoc> {
    return this.actions.delete(actor, id);
  }
}

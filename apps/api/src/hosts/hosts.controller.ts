import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HostService } from '@carve/inventory';
import { OperatorRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { rejectNulls } from '../http/reject-nulls';
import { UuidParam } from '../http/uuid-param';
import { HostListQuery, RegisterHostDto, UpdateHostDto } from './host.dto';
import { HostCapacityView, HostPage, HostView } from './host.view';

@ApiTags('hosts')
@Controller('v1/hosts')
export class HostsController {
  constructor(private readonly hosts: HostService) {}

  @Post()
  @OperatorRoute(409)
  @ApiCreatedResponse({ type: HostView })
  async register(@Body() body: RegisterHostDto): Promise<HostView> {
    return HostView.of(await this.hosts.register(body));
  }

  @Get()
  @OperatorRoute()
  @ApiOkResponse({ type: HostPage })
  async list(@Query() query: HostListQuery): Promise<HostPage> {
    const page = await this.hosts.list(pageRequest(query), { status: query.status, dedicatedCustomerId: query.dedicatedCustomerId });
    return { items: page.items.map(HostView.of), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @OperatorRoute(404)
  @ApiOkResponse({ type: HostView })
  async get(@UuidParam() id: string): Promise<HostView> {
    return HostView.of(await this.hosts.get(id));
  }

  @Get(':id/capacity')
  @OperatorRoute(404)
  @ApiOkResponse({ type: HostCapacityView })
  capacity(@UuidParam() id: string): Promise<HostCapacityView> {
    return this.hosts.capacity(id);
  }

  @Patch(':id')
  @OperatorRoute(404, 409)
  @ApiOkResponse({ type: HostView })
  async update(@UuidParam() id: string, @Body() body: UpdateHostDto): Promise<HostView> {
    return HostView.of(await this.hosts.update(id, rejectNulls(body, ['location', 'dedicatedCustomerId'])));
  }

  @Delete(':id')
  @HttpCode(204)
  @OperatorRoute(404, 409)
  async remove(@UuidParam() id: string): Promise<void> {
    await this.hosts.remove(id);
  }
}

import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HostService } from '@carve/inventory';
import { HostCpu, HostCpuSummary, UsageGraphs, UsageReport, UsageSubject } from '@carve/metering';
import { PoolService } from '@carve/pools';
import { MeteredServers, ServerService } from '@carve/servers';
import { Actor, CurrentActor } from '@carve/tenancy';
import { OperatorRoute, ReadRoute } from '../http/api-docs.decorators';
import { UuidParam } from '../http/uuid-param';
import { UsageGraphQueryDto, UsageQueryDto } from './usage-query.dto';
import { HostCpuDoc, UsageReportDoc } from './usage.view';

const REPORT = 'CPU, disk and network on one time axis, at the finest resolution with at most about 1,500 points, and totals for the window';
const GRAPH = 'One of the three graphs (metric=cpu|disk|net) as SVG; the three share their X axis, so stacked on a page they line up';

/**
 * Usage graphs of a server, a pool (its servers added up, wherever they run) and, for the
 * operator, a host. The subject is looked up in the caller's tenant first: another
 * tenant's server or pool is a 404 like a missing one.
 */
@ApiTags('usage')
@Controller('v1')
export class UsageController {
  constructor(
    private readonly graphs: UsageGraphs,
    private readonly servers: ServerService,
    private readonly pools: PoolService,
    private readonly hosts: HostService,
    private readonly cpu: HostCpuSummary,
    private readonly metered: MeteredServers,
  ) {}

  @Get('hosts/:id/cpu')
  @OperatorRoute(404)
  @ApiOkResponse({ type: HostCpuDoc, description: 'Each domain on the host with "uses X% of one CPU": now (the last interval) and over its uptime, busiest first, with the totals' })
  async hostCpu(@UuidParam() id: string): Promise<HostCpu> {
    const host = await this.hosts.get(id);
    const names = new Map((await this.metered.onHost(host.id)).map((s) => [s.id, s.domainName]));
    return this.cpu.forHost(host.id, names);
  }

  @Get('servers/:id/usage')
  @ReadRoute(404)
  @ApiOkResponse({ type: UsageReportDoc, description: REPORT })
  async serverUsage(@CurrentActor() actor: Actor, @UuidParam() id: string, @Query() query: UsageQueryDto): Promise<UsageReport> {
    return this.graphs.report(await this.server(actor, id), query);
  }

  @Get('servers/:id/usage.svg')
  @ReadRoute(404)
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: GRAPH })
  async serverGraph(@CurrentActor() actor: Actor, @UuidParam() id: string, @Query() query: UsageGraphQueryDto): Promise<string> {
    const server = await this.servers.get(actor, id);
    return this.graph({ kind: 'server', id: server.id }, query, server.name);
  }

  @Get('pools/:id/usage')
  @ReadRoute(404)
  @ApiOkResponse({ type: UsageReportDoc, description: `${REPORT}; a pool's servers added up, wherever they run` })
  async poolUsage(@CurrentActor() actor: Actor, @UuidParam() id: string, @Query() query: UsageQueryDto): Promise<UsageReport> {
    const { pool } = await this.pools.get(actor, id);
    return this.graphs.report({ kind: 'pool', id: pool.id }, query);
  }

  @Get('pools/:id/usage.svg')
  @ReadRoute(404)
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: GRAPH })
  async poolGraph(@CurrentActor() actor: Actor, @UuidParam() id: string, @Query() query: UsageGraphQueryDto): Promise<string> {
    const { pool } = await this.pools.get(actor, id);
    return this.graph({ kind: 'pool', id: pool.id }, query, `pool ${pool.name}`);
  }

  @Get('hosts/:id/usage')
  @OperatorRoute(404)
  @ApiOkResponse({ type: UsageReportDoc, description: `${REPORT}; every server on the host added up` })
  async hostUsage(@UuidParam() id: string, @Query() query: UsageQueryDto): Promise<UsageReport> {
    const host = await this.hosts.get(id);
    return this.graphs.report({ kind: 'host', id: host.id }, query);
  }

  @Get('hosts/:id/usage.svg')
  @OperatorRoute(404)
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: GRAPH })
  async hostGraph(@UuidParam() id: string, @Query() query: UsageGraphQueryDto): Promise<string> {
    const host = await this.hosts.get(id);
    return this.graph({ kind: 'host', id: host.id }, query, `host ${host.name}`);
  }

  private async server(actor: Actor, id: string): Promise<UsageSubject> {
    return { kind: 'server', id: (await this.servers.get(actor, id)).id };
  }

  private graph(subject: UsageSubject, query: UsageGraphQueryDto, title: string): Promise<string> {
    const { metric, ...window } = query;
    return this.graphs.svg(subject, window, metric ?? 'cpu', title);
  }
}

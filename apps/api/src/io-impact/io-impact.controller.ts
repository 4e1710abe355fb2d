import { Body, Controller, Get, Header, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CustomerIoImpactReport, HostIoImpactReport, HostIoPolicy, HostIoPolicyService, ioImpactChartSvg, IoImpactService } from '@carve/io-fairness';
import { OperatorRoute } from '../http/api-docs.decorators';
import { rejectNulls } from '../http/reject-nulls';
import { UuidParam } from '../http/uuid-param';
import { HostIoPolicyView, IoImpactQueryDto, UpdateHostIoPolicyDto } from './io-impact.dto';
import { CustomerIoImpactReportDoc, HostIoImpactReportDoc } from './io-impact.view';

const REPORT =
  'Per server on the host with its customer: read/write IOPS and MB/s, time per request (avg and p95), its share of the host\'s IO and of the disks\' busy time, VBD_OO events; ' +
  'the contention windows with who consumed the disks and who suffered; offenders ranked by what they consumed while someone suffered, each with candidate hosts, whether it needs a dedicated host, and the limits that exist';

/** The IO impact report (read-only) and the per-host rules it applies. Operators only. */
@ApiTags('io-impact')
@Controller('v1')
export class IoImpactController {
  constructor(
    private readonly impact: IoImpactService,
    private readonly policies: HostIoPolicyService,
  ) {}

  @Get('hosts/:id/io-impact')
  @OperatorRoute(404)
  @ApiOkResponse({ type: HostIoImpactReportDoc, description: REPORT })
  hostReport(@UuidParam() id: string, @Query() query: IoImpactQueryDto): Promise<HostIoImpactReport> {
    return this.impact.hostReport(id, query);
  }

  @Get('hosts/:id/io-impact.svg')
  @OperatorRoute(404)
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'IOPS per server, stacked, over the window, with the contention windows shaded' })
  async hostGraph(@UuidParam() id: string, @Query() query: IoImpactQueryDto): Promise<string> {
    const { host, window, analysis, names } = await this.impact.hostTimeline(id, query);
    const label = (serverId: string) => names.get(serverId)?.serverName ?? serverId.slice(0, 8);
    return ioImpactChartSvg(`host ${host.name}: IO per server (contention shaded)`, window, analysis, label);
  }

  @Get('customers/:id/io-impact')
  @OperatorRoute(404)
  @ApiOkResponse({ type: CustomerIoImpactReportDoc, description: 'The IO impact of one customer\'s servers on every host they used in the window: their IO, where they offended (with recommendations) and where they suffered' })
  customerReport(@UuidParam() id: string, @Query() query: IoImpactQueryDto): Promise<CustomerIoImpactReport> {
    return this.impact.customerReport(id, query);
  }

  @Get('hosts/:id/io-policy')
  @OperatorRoute(404)
  @ApiOkResponse({ type: HostIoPolicyView })
  policy(@UuidParam() id: string): Promise<HostIoPolicy> {
    return this.policies.get(id);
  }

  @Patch('hosts/:id/io-policy')
  @OperatorRoute(404)
  @ApiOkResponse({ type: HostIoPolicyView })
  setPolicy(@UuidParam() id: string, @Body() body: UpdateHostIoPolicyDto): Promise<HostIoPolicy> {
    return this.policies.change(id, rejectNulls(body, ['capacityIops', 'capacityMBps', 'learnedPercentile']));
  }
}

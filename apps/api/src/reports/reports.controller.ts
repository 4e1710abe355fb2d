import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MarginReport } from '@carve/billing';
import { Actor, CurrentActor } from '@carve/tenancy';
import { OperatorRoute } from '../http/api-docs.decorators';
import { MarginReportQuery } from './margin-report.dto';
import { MarginReportDoc } from './margin-report.view';

/** The operator's reports over billed months. */
@ApiTags('billing')
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly margin: MarginReport) {}

  @Get('margin')
  @OperatorRoute(409)
  @ApiOkResponse({ type: MarginReportDoc, description: "Per host: revenue attributable to it from the month's final invoices against its monthly cost. 409 period_not_over for a month that has not ended." })
  marginReport(@CurrentActor() actor: Actor, @Query() query: MarginReportQuery): Promise<MarginReportDoc> {
    return this.margin.report(actor, query.month);
  }
}

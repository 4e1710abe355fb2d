import { Body, Controller, Get, Header, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { InvoiceRuns, InvoiceViews } from '@carve/billing';
import { Actor, CurrentActor } from '@carve/tenancy';
import type { FastifyReply } from 'fastify';
import { OperatorRoute, ReadRoute } from '../http/api-docs.decorators';
import { PositiveIntParam } from '../http/int-param';
import { PageQuery, pageRequest } from '../http/page-query.dto';
import { UuidParam } from '../http/uuid-param';
import { InvoiceListQuery, InvoicesCsvQuery, PreviewQuery, StartRunDto } from './invoice.dto';
import { InvoiceDocs } from './invoice-docs';
import { InvoiceDoc, InvoicePage, InvoicePreviewDoc, InvoiceRunDoc, InvoiceRunPage, LineSourcesDoc } from './invoice.view';

/** Invoices: customers read their own, operators every customer's; runs are the operator's. */
@ApiTags('billing')
@Controller('v1')
export class InvoicesController {
  constructor(
    private readonly views: InvoiceViews,
    private readonly runs: InvoiceRuns,
    private readonly docs: InvoiceDocs,
  ) {}

  @Get('invoices')
  @ReadRoute()
  @ApiOkResponse({ type: InvoicePage, description: 'Finalised invoices, newest first' })
  list(@CurrentActor() actor: Actor, @Query() query: InvoiceListQuery): Promise<InvoicePage> {
    return this.views.list(actor, pageRequest(query), { customerId: query.customerId, period: query.period });
  }

  @Get('invoices.csv')
  @OperatorRoute()
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: "The accountant's export of a period's final invoices: one row per line (RFC 4180, CRLF), invoice totals repeated on each" })
  async csv(@CurrentActor() actor: Actor, @Query() query: InvoicesCsvQuery, @Res() reply: FastifyReply): Promise<void> {
    const body = await this.docs.csv(actor, query.period);
    await reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="invoices-${query.period}.csv"`).send(body);
  }

  @Get('invoices/preview')
  @ReadRoute(404, 409)
  @ApiOkResponse({ type: InvoicePreviewDoc, description: 'The current month so far, by the same rules as the invoice will be' })
  preview(@CurrentActor() actor: Actor, @Query() query: PreviewQuery): Promise<InvoicePreviewDoc> {
    return this.views.preview(actor, query.customerId) as Promise<InvoicePreviewDoc>;
  }

  @Get('invoices/:id')
  @ReadRoute(404)
  @ApiOkResponse({ type: InvoiceDoc })
  get(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<InvoiceDoc> {
    return this.views.get(actor, id);
  }

  @Get('invoices/:id.pdf')
  @ReadRoute(404)
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The invoice as a PDF' })
  async pdf(@CurrentActor() actor: Actor, @UuidParam() id: string, @Res() reply: FastifyReply): Promise<void> {
    const { body, number } = await this.docs.pdf(actor, id);
    await reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${number}.pdf"`).send(body);
  }

  @Get('invoices/:id.html')
  @ReadRoute(404)
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The invoice as a web page' })
  html(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<string> {
    return this.docs.html(actor, id);
  }

  @Get('invoices/:id/lines/:n/sources')
  @ReadRoute(404)
  @ApiOkResponse({ type: LineSourcesDoc, description: 'What one line was computed from: size spans, or usage totals against what was included' })
  sources(@CurrentActor() actor: Actor, @UuidParam() id: string, @PositiveIntParam('n') n: number): Promise<LineSourcesDoc> {
    return this.views.sources(actor, id, n);
  }

  @Get('billing/runs')
  @OperatorRoute()
  @ApiOkResponse({ type: InvoiceRunPage, description: 'Invoice runs, newest first: the period, state, when it started and finished, and how many final invoices the period has' })
  listRuns(@CurrentActor() actor: Actor, @Query() query: PageQuery): Promise<InvoiceRunPage> {
    return this.views.runs(actor, pageRequest(query));
  }

  @Post('billing/runs')
  @HttpCode(200)
  @OperatorRoute(409)
  @ApiOkResponse({ type: InvoiceRunDoc, description: 'Runs (or re-answers) the invoice run of an ended period: invoices are issued once, in one number sequence without gaps' })
  async run(@Body() body: StartRunDto): Promise<InvoiceRunDoc> {
    const result = await this.runs.run(body.period, 'api');
    return { ...result, invoices: await this.views.views(result.invoices) };
  }
}

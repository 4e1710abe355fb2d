import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreditNotes } from '@carve/billing';
import { Actor, CurrentActor } from '@carve/tenancy';
import { OperatorRoute, ReadRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { UuidParam } from '../http/uuid-param';
import { CreateCreditNoteDto, CreditNoteListQuery } from './credit-note.dto';
import { CreditNoteDoc, CreditNotePage } from './credit-note.view';

/** Credit notes: the operator issues them against final invoices; customers read their own. */
@ApiTags('billing')
@Controller('v1')
export class CreditNotesController {
  constructor(private readonly notes: CreditNotes) {}

  @Post('invoices/:id/credit-notes')
  @OperatorRoute(404, 409)
  @ApiCreatedResponse({
    type: CreditNoteDoc,
    description: 'Issues a credit note against a final invoice, numbered in its own sequence and immutable. 409 credit_exceeds_invoice: more than a line or the invoice has left to credit.',
  })
  create(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: CreateCreditNoteDto): Promise<CreditNoteDoc> {
    return this.notes.create(actor, id, body);
  }

  @Get('credit-notes')
  @ReadRoute()
  @ApiOkResponse({ type: CreditNotePage, description: 'Credit notes, newest first' })
  list(@CurrentActor() actor: Actor, @Query() query: CreditNoteListQuery): Promise<CreditNotePage> {
    return this.notes.list(actor, pageRequest(query), { customerId: query.customerId, invoiceId: query.invoiceId });
  }

  @Get('credit-notes/:id')
  @ReadRoute(404)
  @ApiOkResponse({ type: CreditNoteDoc })
  get(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<CreditNoteDoc> {
    return this.notes.get(actor, id);
  }
}

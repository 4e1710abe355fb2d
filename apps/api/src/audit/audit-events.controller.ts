import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditService } from '@carve/audit';
import { Actor, CurrentActor } from '@carve/tenancy';
import { ReadRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { AuditEventQuery } from './audit-event.query';
import { AuditEventPage, AuditEventView } from './audit-event.view';

/** Who did what to which object. Operators read every tenant; a customer reads the events of its own objects, the operator's staff shown only as the operator. */
@ApiTags('audit')
@Controller('v1/audit-events')
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: AuditEventPage, description: 'Newest first. A customer sees an operator who acted as `actor: { "kind": "operator" }`, without user or token ids.' })
  async list(@CurrentActor() actor: Actor, @Query() query: AuditEventQuery): Promise<AuditEventPage> {
    const { customerId, objectId, objectType, action, actorUserId } = query;
    const page = await this.audit.list(actor, pageRequest(query), { customerId, objectId, objectType, action, actorUserId });
    return { items: page.items.map(AuditEventView.of), nextCursor: page.nextCursor };
  }
}

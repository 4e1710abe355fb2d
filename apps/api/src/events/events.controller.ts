import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EventService } from '@carve/events';
import { Actor, CurrentActor } from '@carve/tenancy';
import { ReadRoute } from '../http/api-docs.decorators';
import { pageRequest } from '../http/page-query.dto';
import { EventListQuery } from './event-list.query';
import { EventPage, EventView } from './event.view';

/** What happened that a customer should hear about (a pool near its transfer allowance). Customers read their own; operators every customer's. */
@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventService) {}

  @Get()
  @ReadRoute()
  @ApiOkResponse({ type: EventPage, description: 'Newest first. Operators may filter by customerId; both may filter by kind.' })
  async list(@CurrentActor() actor: Actor, @Query() query: EventListQuery): Promise<EventPage> {
    const page = await this.events.list(actor, pageRequest(query), { customerId: query.customerId, kind: query.kind });
    return { items: page.items.map(EventView.of), nextCursor: page.nextCursor };
  }
}

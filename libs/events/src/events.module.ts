import { Module } from '@nestjs/common';
import { EventRepository } from './event.repository';
import { EventService } from './event.service';

/**
 * Events for whoever raises them (metering, moves, billing) and for GET /v1/events. The
 * repository is exported for readers of the whole feed (the webhook outbox), so no other
 * module provides its own copy of it.
 */
@Module({ providers: [EventRepository, EventService], exports: [EventService, EventRepository] })
export class EventsModule {}

import { Module } from '@nestjs/common';
import { EventRepository } from './event.repository';
import { EventService } from './event.service';

/** Events for whoever raises them (metering, moves, billing) and for GET /v1/events. */
@Module({ providers: [EventRepository, EventService], exports: [EventService] })
export class EventsModule {}

import { Module } from '@nestjs/common';
import { EventsModule } from '@carve/events';
import { EventsController } from './events.controller';

/** The HTTP side of events. */
@Module({ imports: [EventsModule], controllers: [EventsController] })
export class EventsApiModule {}

import { Injectable } from '@nestjs/common';
import { InvalidInputError, Page, PageRequest, toPage } from '@carve/core';
import { Actor, scopeOf } from '@carve/tenancy';
import { EntityManager } from 'typeorm';
import type { EventCatalog, EventKind } from './event-catalog';
import { Event } from './event.entity';
import { EventFilter, EventRepository, NewEvent } from './event.repository';

/** An event to raise, its data typed by its kind (see EventCatalog). */
export type RaisedEvent<K extends EventKind = EventKind> = Omit<NewEvent, 'kind' | 'data'> & { kind: K; data: EventCatalog[K] };

/** Raising events (carve itself, once per dedup key) and reading them (within the caller's tenant). */
@Injectable()
export class EventService {
  constructor(private readonly events: EventRepository) {}

  /** Records the event once per dedupKey (always, without one); true when this call recorded it. */
  raise<K extends EventKind>(event: RaisedEvent<K>): Promise<boolean> {
    return this.events.insertOnce(event);
  }

  /** As raise, inside manager's transaction: the event commits (or rolls back) with the change it tells of. */
  raiseIn<K extends EventKind>(manager: EntityManager, event: RaisedEvent<K>): Promise<boolean> {
    return this.events.insertOnceIn(manager, event);
  }

  /** Operators read every event (filtered by customer and kind); a customer only its own. */
  async list(actor: Actor, page: PageRequest, filter: EventFilter): Promise<Page<Event>> {
    if (filter.customerId && actor.customerId !== null) {
      throw new InvalidInputError([{ field: 'query.customerId', message: 'is not a field of this request' }]);
    }
    const rows = await this.events.list(scopeOf(actor), page, filter);
    // The keyset is (occurred_at, id): the cursor carries occurred_at as its time.
    return toPage(
      rows.map((row) => Object.assign(row, { createdAt: row.occurredAt })),
      page.limit,
      ({ createdAt: _c, ...event }) => event as Event,
    );
  }
}

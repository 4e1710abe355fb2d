import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { newestFirst } from '@carve/database';
import { TenantScope, tenantWhere } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';
import type { EventKind, EventSubjectType } from './event-catalog';
import { Event } from './event.entity';

export interface EventFilter {
  /** Operators only: one customer's events. */
  customerId?: string;
  kind?: EventKind;
}

export interface NewEvent {
  customerId: string | null;
  kind: EventKind;
  subjectType: EventSubjectType;
  subjectId: string;
  data: object;
  dedupKey?: string;
}

@Injectable()
export class EventRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Inserts the event unless one with its dedup key exists; true when it was inserted.
   * occurred_at is clock_timestamp() (it moves within a transaction) cut to milliseconds:
   * page cursors carry a JavaScript Date, and a row a few microseconds past the cursor's
   * millisecond would otherwise fall between two pages.
   */
  async insertOnce(event: NewEvent): Promise<boolean> {
    return this.insertOnceIn(this.db.manager, event);
  }

  /** As insertOnce, in manager's transaction. */
  async insertOnceIn(manager: EntityManager, event: NewEvent): Promise<boolean> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO events (customer_id, kind, subject_type, subject_id, data, dedup_key, occurred_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, date_trunc('milliseconds', clock_timestamp()))
       ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
      [event.customerId, event.kind, event.subjectType, event.subjectId, JSON.stringify(event.data), event.dedupKey ?? null],
    );
    return rows.length === 1;
  }

  /** Newest first. A customer's scope keeps only its own events: operator-only ones (customer_id NULL) never match it. */
  async list(scope: TenantScope, page: PageRequest, filter: EventFilter): Promise<Event[]> {
    const query = this.db.getRepository(Event).createQueryBuilder('e').where(tenantWhere(scope, 'e.customer_id'));
    if (filter.customerId) query.andWhere('e.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.kind) query.andWhere('e.kind = :kind', { kind: filter.kind });
    newestFirst(query, page, 'e', 'occurred_at');
    return query.getMany();
  }
}

import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { TenantScope, tenantWhere } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEvent } from './audit-event.entity';

export interface AuditEventFilter {
  customerId?: string;
  objectId?: string;
  objectType?: string;
  action?: string;
  actorUserId?: string;
}

@Injectable()
export class AuditEventRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * created_at is PostgreSQL's clock_timestamp(), which moves within a transaction (now()
   * is the transaction's start), so events written together still read newest first.
   * Cut to milliseconds: page cursors carry a JavaScript Date, and a row a few
   * microseconds past the cursor's millisecond would otherwise fall between two pages.
   */
  async insert(event: Omit<AuditEvent, 'id' | 'createdAt'>, manager?: EntityManager): Promise<AuditEvent> {
    const rows: { id: string; created_at: Date }[] = await (manager ?? this.db.manager).query(
      `INSERT INTO audit_events (customer_id, actor_user_id, actor_token_id, action, object_type, object_id, details, request_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, date_trunc('milliseconds', clock_timestamp())) RETURNING id, created_at`,
      [event.customerId, event.actorUserId, event.actorTokenId, event.action, event.objectType, event.objectId, JSON.stringify(event.details), event.requestId],
    );
    return Object.assign(new AuditEvent(), event, { id: rows[0]!.id, createdAt: rows[0]!.created_at });
  }

  /**
   * Newest first. A customer's scope keeps only events whose customer_id is its own:
   * operator-only events (customer_id NULL, e.g. host registrations) never match it.
   */
  async list(scope: TenantScope, page: PageRequest, filter: AuditEventFilter): Promise<AuditEvent[]> {
    const query = this.db
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where(tenantWhere(scope, 'e.customer_id'));
    if (filter.customerId) query.andWhere('e.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.objectId) query.andWhere('e.object_id = :objectId', { objectId: filter.objectId });
    if (filter.objectType) query.andWhere('e.object_type = :objectType', { objectType: filter.objectType });
    if (filter.action) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.actorUserId) query.andWhere('e.actor_user_id = :actorUserId', { actorUserId: filter.actorUserId });
    newestFirst(query, page, 'e');
    return query.getMany();
  }
}

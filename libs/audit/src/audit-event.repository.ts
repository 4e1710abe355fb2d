import { Injectable } from '@nestjs/common';
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

  async insert(event: Omit<AuditEvent, 'id'>, manager?: EntityManager): Promise<AuditEvent> {
    const repo = (manager ?? this.db.manager).getRepository(AuditEvent);
    return repo.save(repo.create(event));
  }

  /**
   * Newest first. A customer's scope keeps only events whose customer_id is its own:
   * operator-only events (customer_id NULL, e.g. host registrations) never match it.
   */
  async list(scope: TenantScope, page: PageRequest, filter: AuditEventFilter): Promise<AuditEvent[]> {
    const query = this.db
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where(tenantWhere(scope, 'e.customer_id'))
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(page.limit + 1);
    if (filter.customerId) query.andWhere('e.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.objectId) query.andWhere('e.object_id = :objectId', { objectId: filter.objectId });
    if (filter.objectType) query.andWhere('e.object_type = :objectType', { objectType: filter.objectType });
    if (filter.action) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.actorUserId) query.andWhere('e.actor_user_id = :actorUserId', { actorUserId: filter.actorUserId });
    if (page.after) query.andWhere('(e.created_at, e.id) < (:at, :id)', { at: page.after.createdAt, id: page.after.id });
    return query.getMany();
  }
}

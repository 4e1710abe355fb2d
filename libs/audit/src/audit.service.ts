import { Injectable } from '@nestjs/common';
import { Page, PageRequest, toPage } from '@carve/core';
import { Actor, scopeOf, TokenService, UserService } from '@carve/tenancy';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { AuditEventSeen, seenBy } from './audit-actor';
import { auditDetails } from './audit-details';
import { AuditEvent } from './audit-event.entity';
import { AuditEventFilter, AuditEventRepository } from './audit-event.repository';

/** Who acted: an API caller's Actor, or a user who came in without a token (an SSH key at the console gateway). */
export type AuditActorRef = Pick<Actor, 'userId'> & { readonly tokenId?: string | null };

export interface AuditRecord {
  /** Who did it; null for carve itself (the reconciler, a job). */
  actor: AuditActorRef | null;
  /** `<capability>.<verb>`, e.g. `servers.order`, `hosts.register`. */
  action: string;
  objectType: string;
  objectId?: string | null;
  /** The tenant the object belongs to; null makes the event visible to operators only. */
  customerId: string | null;
  details?: unknown;
  requestId?: string | null;
}

const ACTION_MAX = 64;
const OBJECT_TYPE_MAX = 32;
const REQUEST_ID_MAX = 64;

@Injectable()
export class AuditService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly tokens: TokenService,
    private readonly users: UserService,
  ) {}

  /** Pass the transaction's manager so the event commits (or rolls back) with the change it describes. */
  async record(entry: AuditRecord, manager?: EntityManager): Promise<AuditEvent> {
    const details = auditDetails(entry.details ?? {});
    // The column is a uuid: an id of another form is kept in the details instead of failing the insert.
    const objectId = entry.objectId && isUUID(entry.objectId) ? entry.objectId.toLowerCase() : null;
    if (entry.objectId && !objectId) details.objectId = entry.objectId;
    return this.events.insert(
      {
        customerId: entry.customerId,
        actorUserId: entry.actor?.userId ?? null,
        actorTokenId: entry.actor?.tokenId ?? null,
        action: entry.action.slice(0, ACTION_MAX),
        objectType: entry.objectType.slice(0, OBJECT_TYPE_MAX),
        objectId,
        details,
        requestId: entry.requestId ? entry.requestId.slice(0, REQUEST_ID_MAX) : null,
      },
      manager,
    );
  }

  /**
   * Operators read every tenant's events with every actor in full; a customer only those
   * of its own objects, where the operator's staff appear as `{ kind: 'operator' }`.
   */
  async list(actor: Actor, page: PageRequest, filter: AuditEventFilter): Promise<Page<AuditEventSeen>> {
    const rows = await this.events.list(scopeOf(actor), page, filter);
    const tenants = await this.tokens.tenantsOfTokens(rows.flatMap((row) => (row.actorTokenId ? [row.actorTokenId] : [])));
    const userTenants = await this.users.tenantsOfUsers(rows.flatMap((row) => (!row.actorTokenId && row.actorUserId ? [row.actorUserId] : [])));
    return toPage(rows, page.limit, (row) => seenBy(actor, row, tenants, userTenants));
  }
}

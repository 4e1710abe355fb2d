import type { Actor } from '@carve/tenancy';
import type { AuditEvent } from './audit-event.entity';

/** operator: the hosting provider's staff; customer: a user of the event's account; carve: carve itself (a job, the reconciler). */
export const AUDIT_ACTOR_KINDS = ['operator', 'customer', 'carve'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/** Who did it, as the reader may see it: customers see the operator as `{ kind: 'operator' }`, without its user and token. */
export interface AuditActor {
  readonly kind: AuditActorKind;
  readonly userId?: string;
  readonly tokenId?: string;
}

/** An event as one reader sees it; actorUserId and actorTokenId are null where `actor` hides them. */
export type AuditEventSeen = AuditEvent & { readonly actor: AuditActor };

/**
 * `tokenTenants` maps the events' token ids to their customer (null: an operator token);
 * `userTenants` does the same for the users of events recorded without a token.
 * A customer sees the ids of its own users only; anyone else who acted on its objects is
 * the operator to it, and a token that cannot be placed is treated the same way, so an
 * id never leaks by accident.
 */
export function seenBy(
  reader: Actor,
  event: AuditEvent,
  tokenTenants: ReadonlyMap<string, string | null>,
  userTenants: ReadonlyMap<string, string | null> = new Map(),
): AuditEventSeen {
  if (event.actorUserId === null && event.actorTokenId === null) return { ...event, actor: { kind: 'carve' } };
  // A user who acted without a token (an SSH key at the console gateway) is placed by the user's own tenant.
  const tenant = event.actorTokenId !== null ? tokenTenants.get(event.actorTokenId) : event.actorUserId !== null ? userTenants.get(event.actorUserId) : undefined;
  const kind: AuditActorKind = typeof tenant === 'string' ? 'customer' : 'operator';
  const visible = reader.customerId === null || (kind === 'customer' && tenant === reader.customerId);
  if (!visible) return { ...event, actorUserId: null, actorTokenId: null, actor: { kind: 'operator' } };
  const ids = { ...(event.actorUserId ? { userId: event.actorUserId } : {}), ...(event.actorTokenId ? { tokenId: event.actorTokenId } : {}) };
  return { ...event, actor: { kind, ...ids } };
}

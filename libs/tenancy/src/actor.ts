import type { UserRole } from './entities/user.entity';

/**
 * Who is calling, resolved from the API token and nothing else. `customerId` is null
 * for operators. Services take an Actor wherever they read or write tenant data, and
 * repositories turn it into a WHERE clause (see TenantScope).
 */
export interface Actor {
  readonly userId: string;
  readonly tokenId: string;
  /** When the token the caller used stops working; tokens it mints may not outlive it. */
  readonly tokenExpiresAt?: Date | null;
  readonly customerId: string | null;
  readonly role: UserRole;
}

/** The tenant filter for a query: a customer id, or every tenant for operators. */
export type TenantScope = { readonly kind: 'operator' } | { readonly kind: 'customer'; readonly customerId: string };

export function scopeOf(actor: Actor): TenantScope {
  return actor.customerId === null ? { kind: 'operator' } : { kind: 'customer', customerId: actor.customerId };
}

export function isOperator(actor: Actor): boolean {
  return actor.role === 'operator';
}

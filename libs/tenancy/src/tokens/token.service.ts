import { Injectable } from '@nestjs/common';
import { CarveError, Clock, ForbiddenError, InvalidInputError, NotFoundError, Page, PageRequest, toPage, UnauthenticatedError } from '@carve/core';
import { EntityManager } from 'typeorm';
import { Actor, scopeOf } from '../actor';
import { ApiToken } from '../entities/api-token.entity';
import { User } from '../entities/user.entity';
import { UserRepository } from '../users/user.repository';
import { ApiTokenRepository, LAST_USED_RESOLUTION_MS, TokenOwner } from './api-token.repository';
import { hashToken, looksLikeToken, newTokenSecret } from './token-secret';

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  customerId: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface IssuedToken extends TokenView {
  /** The secret: shown in this response only, never again. */
  token: string;
}

export function toTokenView(t: ApiToken): TokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    userId: t.userId,
    customerId: t.customerId,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
  };
}

/** The token's owner if the token may be used now, else the error saying why not. One rule for new requests and open streams. */
function requireUsable(found: TokenOwner | null, now: Date): TokenOwner {
  if (!found || found.user.deletedAt) throw new UnauthenticatedError('The bearer token is not valid. Ask an admin for a new token.');
  const { token, customerStatus } = found;
  if (token.revokedAt) throw new UnauthenticatedError('The bearer token was revoked. Ask an admin for a new token.');
  if (token.expiresAt && token.expiresAt <= now) throw new UnauthenticatedError('The bearer token has expired. Ask an admin for a new token.');
  if (customerStatus === 'suspended') {
    throw new CarveError('account_suspended', 403, 'Account suspended', 'This account is suspended; contact your hosting provider.');
  }
  return found;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  /** Resolves a bearer token to the Actor it speaks for, or says precisely why it cannot. */
  async authenticate(bearer: string): Promise<Actor> {
    if (!looksLikeToken(bearer)) throw new UnauthenticatedError('The bearer token is malformed; tokens look like carve_xxxxxxxx_... .');
    const found = await this.tokens.findByHash(hashToken(bearer));
    const now = this.clock.now();
    const { token, user } = requireUsable(found, now);
    // The lookup just read last_used_at: within the minute, touchLastUsed's guarded UPDATE would change nothing, so it is not sent.
    if (!token.lastUsedAt || token.lastUsedAt.getTime() < now.getTime() - LAST_USED_RESOLUTION_MS) await this.tokens.touchLastUsed(token.id, now);
    return { userId: user.id, tokenId: token.id, customerId: user.customerId, role: user.role, tokenExpiresAt: token.expiresAt };
  }

  /**
   * For long-lived connections (event streams, consoles) that authenticated once when they
   * opened: throws the error a new request with the same token would get now (revoked,
   * expired, user deleted, account suspended), so the connection can close with it.
   */
  async assertStillValid(actor: Actor): Promise<void> {
    const found = await this.tokens.findById(actor.tokenId);
    requireUsable(found?.user.id === actor.userId ? found : null, this.clock.now());
  }

  /**
   * Whose each token is: its customer's id, or null for the operator's. For capabilities
   * that show who acted (the audit trail) without reading the tokens table themselves.
   * Unknown ids are absent.
   */
  tenantsOfTokens(ids: readonly string[]): Promise<Map<string, string | null>> {
    return this.tokens.tenantsOf(ids);
  }

  async list(actor: Actor, page: PageRequest): Promise<Page<TokenView>> {
    // Viewers see only their own tokens; admins and operators see their whole tenant's.
    const onlyUser = actor.role === 'viewer' ? actor.userId : undefined;
    return toPage(await this.tokens.list(scopeOf(actor), page, onlyUser), page.limit, toTokenView);
  }

  /** A new token for the caller, or (admins, operators) for another user of the same tenant. */
  async create(actor: Actor, input: { name: string; expiresAt?: Date; userId?: string }): Promise<IssuedToken> {
    const userId = input.userId ?? actor.userId;
    if (userId !== actor.userId && actor.role === 'viewer') throw new ForbiddenError('Viewers can create tokens only for themselves.');
    const user = await this.users.findInScope(scopeOf(actor), userId);
    // An operator's scope spans every tenant, but an operator issues customer tokens through /v1/customers/:id/tokens.
    if (!user || user.customerId !== actor.customerId) throw new NotFoundError('user', userId);
    // A short-lived token cannot mint a longer-lived one: the new token ends when the caller's does, at the latest.
    const limit = actor.tokenExpiresAt ?? undefined;
    if (limit && input.expiresAt && input.expiresAt > limit) {
      throw new InvalidInputError([{ field: 'expiresAt', message: `must not be later than the expiry of the token making the request (${limit.toISOString()})` }]);
    }
    return this.issue(user, input.name, input.expiresAt ?? limit);
  }

  async issue(user: User, name: string, expiresAt?: Date, requestedSecret?: string, manager?: EntityManager): Promise<IssuedToken> {
    if (expiresAt && expiresAt <= this.clock.now()) {
      throw new InvalidInputError([{ field: 'expiresAt', message: 'must be in the future' }]);
    }
    const secret = newTokenSecret(requestedSecret);
    const saved = await this.tokens.insert(
      { userId: user.id, customerId: user.customerId, name, prefix: secret.prefix, secretHash: secret.secretHash, expiresAt: expiresAt ?? null },
      manager,
    );
    return { ...toTokenView(saved), token: secret.token };
  }

  async revoke(actor: Actor, id: string): Promise<TokenView> {
    const token = await this.tokens.findInScope(scopeOf(actor), id);
    // Operators see every tenant's tokens and can revoke a leaked one; customers only their own.
    if (!token || (actor.role !== 'operator' && token.customerId !== actor.customerId)) throw new NotFoundError('token', id);
    if (actor.role === 'viewer' && token.userId !== actor.userId) throw new NotFoundError('token', id);
    if (!token.revokedAt) {
      token.revokedAt = this.clock.now();
      await this.tokens.revoke(id, token.revokedAt);
    }
    return toTokenView(token);
  }
}

import { Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '@carve/core';
import { Actor } from '../actor';
import { TokenService } from '../tokens/token.service';

export type BearerHeader = string | string[] | undefined;

/**
 * Resolves a request's bearer token once. The API's rate limit needs to know whether the
 * token is real before it picks a bucket (a made-up token must count against the client
 * address, not start a fresh budget), and the auth guard needs the same answer: both ask
 * here and the token is looked up (and its last use recorded) once per request.
 */
@Injectable()
export class RequestAuthenticator {
  private readonly resolved = new WeakMap<object, Promise<Actor>>();

  constructor(private readonly tokens: TokenService) {}

  authenticate(request: object, authorization: BearerHeader): Promise<Actor> {
    let outcome = this.resolved.get(request);
    if (!outcome) {
      outcome = this.resolve(authorization);
      // Callers that only peek (the rate limit) must not leave an unhandled rejection behind.
      outcome.catch(() => undefined);
      this.resolved.set(request, outcome);
    }
    return outcome;
  }

  /** The actor when the request carries a token that authenticates, else undefined (missing, malformed, unknown, revoked, suspended). */
  async identify(request: object, authorization: BearerHeader): Promise<Actor | undefined> {
    return this.authenticate(request, authorization).then(
      (actor) => actor,
      () => undefined,
    );
  }

  private resolve(authorization: BearerHeader): Promise<Actor> {
    const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match) return Promise.reject(new UnauthenticatedError('Send an API token as "Authorization: Bearer <token>".'));
    return this.tokens.authenticate(match[1]!);
  }
}

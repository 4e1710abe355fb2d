import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { RequestWithActor } from '@carve/tenancy';
import type { FastifyRequest } from 'fastify';
import { Observable, of } from 'rxjs';
import { IdempotencyKeyInProgressError, IdempotencyKeyReusedError } from './idempotency-errors';
import { IDEMPOTENCY_HEADER, IDEMPOTENT_METHODS, parseIdempotencyKey, requestFingerprint } from './idempotency-key';
import { setIdempotencyState } from './idempotency-requests';
import { IdempotencyStore } from './idempotency.store';

/**
 * Honours `Idempotency-Key` on POST, PATCH and DELETE. It runs after the auth guard, so
 * keys belong to the caller's tenant and user, and failed authentication is never
 * stored. The first request with a key claims it and runs; the reply hook stores its
 * response (or frees the key on a 5xx). A later request with the same key and the same
 * method, path and body gets that response again without running the handler.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithActor>();
    if (!IDEMPOTENT_METHODS.has(request.method)) return next.handle();
    const key = parseIdempotencyKey(request.headers[IDEMPOTENCY_HEADER]);
    // Public routes have no caller to scope a key to; none of them changes anything.
    if (key === undefined || !request.actor) return next.handle();

    // request.body is the parsed JSON as sent: pipes build new objects and leave it alone.
    const claim = await this.store.claim(request.actor, key, requestFingerprint(request.method, request.url, request.body));
    switch (claim.kind) {
      case 'claimed':
        setIdempotencyState(request, { kind: 'claimed', redisKey: claim.redisKey, marker: claim.marker });
        return next.handle();
      case 'done':
        // The reply hook swaps in the stored status, headers and body.
        setIdempotencyState(request, { kind: 'replay', response: claim.response });
        return of(undefined);
      case 'reused':
        throw new IdempotencyKeyReusedError();
      case 'in_progress':
        throw new IdempotencyKeyInProgressError();
    }
  }
}

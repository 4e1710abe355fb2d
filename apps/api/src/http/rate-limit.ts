import { createHash } from 'node:crypto';
import { CarveError } from '@carve/core';
import type { RedisConnection } from '@carve/redis';

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/**
 * A fixed-window counter per caller in Redis, shared by every API process. A token that
 * authenticates gets its own bucket (keyed by its id). Everything else (no token, a
 * malformed, unknown, expired or revoked one) counts against the client address, so a
 * caller inventing a new token per request shares one budget with every other failure
 * from its address. Each address may also present at most `limit` distinct valid tokens
 * per window (a reseller panel relaying many customers' tokens stays well under it).
 */
export class RateLimiter {
  constructor(
    private readonly redis: RedisConnection,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Opaque to callers: `t:<token id>|<address>` for an authenticated token, `a:<address>` for anything else. */
  callerKey(tokenId: string | undefined, address: string): string {
    return tokenId ? `t:${createHash('sha256').update(tokenId).digest('hex').slice(0, 32)}|${address}` : `a:${address}`;
  }

  async check(caller: string, nowMs: number): Promise<RateLimitDecision> {
    const window = String(Math.floor(nowMs / 1000 / this.windowSeconds));
    const [id = caller, address] = caller.split('|');
    const key = this.redis.key('ratelimit', id, window);
    const multi = this.redis.client.multi().incr(key).expire(key, this.windowSeconds + 1);
    if (address !== undefined) {
      const tokens = this.redis.key('ratelimit-tokens', address, window);
      multi.pfadd(tokens, id).pfcount(tokens).expire(tokens, this.windowSeconds + 1);
    }
    const results = (await multi.exec()) ?? [];
    const count = Number(results[0]?.[1] ?? 0);
    const distinctTokens = address !== undefined ? Number(results[3]?.[1] ?? 0) : 0;
    const retryAfterSeconds = (Number(window) + 1) * this.windowSeconds - Math.floor(nowMs / 1000);
    const allowed = count <= this.limit && distinctTokens <= this.limit;
    return { allowed, remaining: allowed ? Math.max(0, this.limit - count) : 0, retryAfterSeconds };
  }
}

export function rateLimitedError(retryAfterSeconds: number): CarveError {
  return new CarveError('rate_limited', 429, 'Too many requests', `Too many requests from this token or address; retry after ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });
}

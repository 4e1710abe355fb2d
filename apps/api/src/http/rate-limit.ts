import { createHash } from 'node:crypto';
import { CarveError } from '@carve/core';
import type { RedisConnection } from '@carve/redis';

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/**
 * A fixed-window counter per caller in Redis, shared by every API process. The caller is
 * the bearer token (hashed: the token itself never reaches Redis) or, without one, the
 * client address. The limiter runs before authentication, so a guesser sending a new
 * token each time would get a fresh budget per guess: each address may therefore also
 * present at most `limit` distinct tokens per window (a reseller panel relaying many
 * customers' tokens stays well under the default).
 */
export class RateLimiter {
  constructor(
    private readonly redis: RedisConnection,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Opaque to callers: `t:<token hash>|<address>` with a bearer token, `a:<address>` without. */
  callerKey(authorization: string | undefined, address: string): string {
    const token = /^Bearer\s+(\S+)/i.exec(authorization ?? '')?.[1];
    return token ? `t:${createHash('sha256').update(token).digest('hex').slice(0, 32)}|${address}` : `a:${address}`;
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
  return new CarveError('rate_limited', 429, 'Too many requests', `Too many requests for this token; retry after ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });
}

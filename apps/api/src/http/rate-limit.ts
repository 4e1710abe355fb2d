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
 * client address, so guessing tokens is limited too.
 */
export class RateLimiter {
  constructor(
    private readonly redis: RedisConnection,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  callerKey(authorization: string | undefined, address: string): string {
    const token = /^Bearer\s+(\S+)/i.exec(authorization ?? '')?.[1];
    return token ? `t:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` : `a:${address}`;
  }

  async check(caller: string, nowMs: number): Promise<RateLimitDecision> {
    const window = Math.floor(nowMs / 1000 / this.windowSeconds);
    const key = this.redis.key('ratelimit', caller, String(window));
    const [[, count]] = (await this.redis.client.multi().incr(key).expire(key, this.windowSeconds + 1).exec()) as [[Error | null, number]];
    const retryAfterSeconds = (window + 1) * this.windowSeconds - Math.floor(nowMs / 1000);
    return { allowed: count <= this.limit, remaining: Math.max(0, this.limit - count), retryAfterSeconds };
  }
}

export function rateLimitedError(retryAfterSeconds: number): CarveError {
  return new CarveError('rate_limited', 429, 'Too many requests', `Too many requests for this token; retry after ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });
}

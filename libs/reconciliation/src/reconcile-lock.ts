import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RedisConnection } from '@carve/redis';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Long enough to outlive a renewal that is a little late; a dead holder frees it within this. */
const RUNNING_TTL_MS = 60_000;

/**
 * Keeps reconciliation to one pass at a time across every worker process, with two
 * Redis keys taken with SET NX PX:
 * - `reconcile:running` is held (and renewed) while a pass runs, released after;
 * - `reconcile:due` is taken once per interval, so N workers ticking at their own
 *   phase still start about one scheduled pass per interval between them.
 */
@Injectable()
export class ReconcileLock {
  constructor(private readonly redis: RedisConnection) {}

  /** True for the first caller in each interval, across processes. */
  async claimInterval(intervalMs: number): Promise<boolean> {
    return (await this.redis.client.set(this.redis.key('reconcile', 'due'), randomUUID(), 'PX', Math.max(1, intervalMs - 1000), 'NX')) === 'OK';
  }

  /** Runs `work` while holding the pass lock; null without running it when another pass holds the lock. */
  async exclusive<T>(work: () => Promise<T>): Promise<T | null> {
    const key = this.redis.key('reconcile', 'running');
    const token = randomUUID();
    if ((await this.redis.client.set(key, token, 'PX', RUNNING_TTL_MS, 'NX')) !== 'OK') return null;
    const renew = setInterval(() => void this.redis.client.eval(RENEW, 1, key, token, RUNNING_TTL_MS).catch(() => undefined), RUNNING_TTL_MS / 3);
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.redis.client.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}

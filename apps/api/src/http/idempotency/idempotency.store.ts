import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RedisConnection } from '@carve/redis';
import type { Actor } from '@carve/tenancy';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type Entry = { state: 'in_progress'; fingerprint: string; owner: string } | { state: 'done'; fingerprint: string; response: StoredResponse };

export type Claim =
  | { kind: 'claimed'; redisKey: string; marker: string }
  | { kind: 'in_progress' }
  | { kind: 'reused' }
  | { kind: 'done'; response: StoredResponse };

/** Keys live at least 24 hours, as promised to clients; the extra hour covers clock skew and slow retries. */
export const RESPONSE_TTL_SECONDS = 25 * 60 * 60;
/** Long enough for any request the API answers (jobs run later), short enough that a crashed request's key frees itself. */
export const IN_PROGRESS_TTL_SECONDS = 120;

// Replace or delete the entry only while it is still this request's marker: if the
// marker expired and another request took the key, its entry is not ours to touch.
const COMPLETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end return nil`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Idempotency keys in Redis, one namespace per tenant and user: another caller's key never matches yours. */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly redis: RedisConnection) {}

  redisKey(actor: Actor, key: string): string {
    const digest = createHash('sha256').update(key).digest('hex');
    return this.redis.key('idem', actor.customerId ?? 'operator', actor.userId, digest);
  }

  /** Takes the key for this request (SET NX), or says why not: another request holds it, used it differently, or finished. */
  async claim(actor: Actor, key: string, fingerprint: string): Promise<Claim> {
    const redisKey = this.redisKey(actor, key);
    const marker = JSON.stringify({ state: 'in_progress', fingerprint, owner: randomUUID() } satisfies Entry);
    // Two rounds: the entry may expire between a failed SET NX and the GET.
    for (let round = 0; round < 2; round++) {
      const set = await this.redis.client.set(redisKey, marker, 'EX', IN_PROGRESS_TTL_SECONDS, 'NX');
      if (set === 'OK') return { kind: 'claimed', redisKey, marker };
      const raw = await this.redis.client.get(redisKey);
      if (raw === null) continue;
      const entry = JSON.parse(raw) as Entry;
      if (entry.fingerprint !== fingerprint) return { kind: 'reused' };
      return entry.state === 'done' ? { kind: 'done', response: entry.response } : { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  async complete(redisKey: string, marker: string, response: StoredResponse): Promise<void> {
    const fingerprint = (JSON.parse(marker) as Entry).fingerprint;
    const entry = JSON.stringify({ state: 'done', fingerprint, response } satisfies Entry);
    await this.redis.client.eval(COMPLETE, 1, redisKey, marker, entry, String(RESPONSE_TTL_SECONDS));
  }

  /** Frees the key so the client can retry: for 5xx answers, which say nothing about the request itself. */
  async release(redisKey: string, marker: string): Promise<void> {
    await this.redis.client.eval(RELEASE, 1, redisKey, marker);
  }
}

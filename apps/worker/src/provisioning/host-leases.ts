import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { RedisConnection } from '@carve/redis';

// Drop expired leases, then take one if fewer than the limit are held. A job that finds the
// host full joins the host's waiters (first come, first woken), in the same atomic step, so
// no release can slip between "full" and "waiting".
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 1
end
redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 0`;

// Give the lease back and take the longest-waiting job off the host's waiters, to be woken.
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local next = redis.call('ZRANGE', KEYS[2], 0, 0)
if next[1] then
  redis.call('ZREM', KEYS[2], next[1])
  return next[1]
end
return false`;

/**
 * At most N jobs at once per host, across every worker process: a sorted set per host of
 * job ids scored by lease expiry. A worker that dies leaves a lease that expires on its
 * own; no blocking connection or queue per host is needed. Jobs that found the host full
 * wait in a second sorted set; each release names one of them to wake, so a freed slot is
 * taken at once instead of at the next poll. The waiters are only a hint: the lease
 * decides, and a job nobody wakes (its waker died) comes back on its own delay.
 */
@Injectable()
export class HostLeases {
  /** Long enough for the slowest step (unpacking an image); renewed while a job runs. */
  static readonly LEASE_MS = 10 * 60_000;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {}

  /** True when the job holds a lease on the host; false when the host is full and the job now waits for a release. */
  async acquire(hostId: string, jobId: string, nowMs = Date.now()): Promise<boolean> {
    const result = await this.redis.client.eval(ACQUIRE, 2, this.leasesKey(hostId), this.waitersKey(hostId), nowMs, nowMs + HostLeases.LEASE_MS, jobId, this.config.jobsPerHost, HostLeases.LEASE_MS * 2);
    return result === 1;
  }

  async renew(hostId: string, jobId: string, nowMs = Date.now()): Promise<void> {
    await this.redis.client.zadd(this.leasesKey(hostId), 'XX', nowMs + HostLeases.LEASE_MS, jobId);
  }

  /** Gives the lease back; returns the job waiting longest for this host, if any, for the caller to wake. */
  async release(hostId: string, jobId: string): Promise<string | null> {
    const next = await this.redis.client.eval(RELEASE, 2, this.leasesKey(hostId), this.waitersKey(hostId), jobId);
    return typeof next === 'string' ? next : null;
  }

  private leasesKey(hostId: string): string {
    return this.redis.key('host-leases', hostId);
  }

  private waitersKey(hostId: string): string {
    return this.redis.key('host-waiters', hostId);
  }
}

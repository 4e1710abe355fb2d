import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { RedisConnection } from '@carve/redis';

// Drop expired leases, then take one if fewer than the limit are held. Atomic in Redis.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

/**
 * At most N jobs at once per host, across every worker process: a sorted set per host of
 * job ids scored by lease expiry. A worker that dies leaves a lease that expires on its
 * own; no blocking connection or queue per host is needed.
 */
@Injectable()
export class HostLeases {
  /** Long enough for the slowest step (unpacking an image); renewed while a job runs. */
  static readonly LEASE_MS = 10 * 60_000;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {}

  async acquire(hostId: string, jobId: string, nowMs = Date.now()): Promise<boolean> {
    const key = this.redis.key('host-leases', hostId);
    const result = await this.redis.client.eval(ACQUIRE, 1, key, nowMs, nowMs + HostLeases.LEASE_MS, jobId, this.config.jobsPerHost, HostLeases.LEASE_MS * 2);
    return result === 1;
  }

  async renew(hostId: string, jobId: string, nowMs = Date.now()): Promise<void> {
    const key = this.redis.key('host-leases', hostId);
    await this.redis.client.multi().zadd(key, 'XX', nowMs + HostLeases.LEASE_MS, jobId).pexpire(key, HostLeases.LEASE_MS * 2).exec();
  }

  async release(hostId: string, jobId: string): Promise<void> {
    await this.redis.client.zrem(this.redis.key('host-leases', hostId), jobId);
  }
}

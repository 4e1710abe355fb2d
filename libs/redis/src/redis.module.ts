import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Redis } from 'ioredis';

/**
 * The app's general-purpose Redis connection (rate limits, idempotency keys, worker
 * heartbeats). BullMQ opens its own connections; this one never blocks.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis;
  /** Every key carve writes starts with this, so deployments and test runs can share one Redis. */
  readonly prefix: string;

  constructor(@Inject(CarveConfig) config: CarveConfig) {
    this.client = new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.prefix = config.redisPrefix;
    // Errors surface on the commands that fail and in /health; an unhandled 'error' event would crash the process.
    this.client.on('error', () => undefined);
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}

/** Where a worker process announces that it is alive; the reconciler reads the same key. */
export function workerHeartbeatKey(redis: RedisConnection, workerId: string): string {
  return redis.key('workers', workerId);
}

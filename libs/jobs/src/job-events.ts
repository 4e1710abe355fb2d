import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { RedisConnection } from '@carve/redis';
import { Redis } from 'ioredis';

/**
 * "Job N changed" notices over Redis pub/sub, so an API process can answer a follower the
 * moment the worker records a step instead of polling PostgreSQL. One subscriber
 * connection per API process, shared by every follower.
 */
@Injectable()
export class JobEvents implements OnApplicationShutdown {
  private subscriber?: Redis;
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly channel: string;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {
    this.channel = redis.key('job-events');
  }

  async publish(jobId: string): Promise<void> {
    await this.redis.client.publish(this.channel, jobId).catch(() => undefined);
  }

  /** Resolves when the job changes or the time is up, whichever comes first. */
  async waitForChange(jobId: string, timeoutMs: number): Promise<void> {
    await this.ensureSubscribed();
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(jobId) ?? new Set();
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(jobId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
      this.waiters.set(jobId, set);
    });
  }

  private async ensureSubscribed(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      for (const wake of [...(this.waiters.get(jobId) ?? [])]) wake();
    });
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}

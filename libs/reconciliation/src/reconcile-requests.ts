import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { bullPrefix } from '@carve/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** The small BullMQ queue of "reconcile this host now" requests; the worker consumes it. */
export const RECONCILE_QUEUE = 'reconcile';

export interface ReconcileRequestPayload {
  hostId: string;
}

/** How often a request waits for a pass already running elsewhere before it is dropped. */
const ATTEMPTS = 20;
const RETRY_DELAY_MS = 3_000;

/** Producer side (the API). Requests for a host that are still waiting collapse into one. */
@Injectable()
export class ReconcileRequests implements OnApplicationShutdown {
  readonly queue: Queue<ReconcileRequestPayload>;
  private readonly connection: Redis;

  constructor(@Inject(CarveConfig) config: CarveConfig) {
    this.connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.queue = new Queue<ReconcileRequestPayload>(RECONCILE_QUEUE, { connection: this.connection, prefix: bullPrefix(config) });
  }

  async requestHost(hostId: string): Promise<void> {
    // Removed once done, so the same id is free for the next request; BullMQ ids cannot contain ':'.
    await this.queue.add(
      'host',
      { hostId },
      { jobId: `host-${hostId}`, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: RETRY_DELAY_MS }, removeOnComplete: true, removeOnFail: true },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

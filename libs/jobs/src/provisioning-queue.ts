import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JobType, PROVISIONING_QUEUE, ProvisioningPayload } from './job-types';

/** BullMQ key prefix under carve's Redis prefix, so test runs and deployments can share one Redis. */
export function bullPrefix(config: CarveConfig): string {
  return `${config.redisPrefix}:bull`;
}

/** The producer side of the provisioning queue (the API, the reconciler). Only the worker app consumes it. */
@Injectable()
export class ProvisioningQueue implements OnApplicationShutdown {
  readonly queue: Queue<ProvisioningPayload>;
  private readonly connection: Redis;

  constructor(@Inject(CarveConfig) private readonly config: CarveConfig) {
    this.connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.queue = new Queue<ProvisioningPayload>(PROVISIONING_QUEUE, { connection: this.connection, prefix: bullPrefix(config) });
  }

  /** Adds the job under its carve id: adding the same id twice is a no-op in BullMQ, so dispatch can be retried safely. */
  async add(type: JobType | string, payload: ProvisioningPayload): Promise<void> {
    await this.queue.add(type, payload, {
      jobId: payload.jobId,
      attempts: this.config.jobAttempts,
      backoff: { type: 'exponential', delay: this.config.jobBackoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async isQueued(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job) return false;
    const state = await job.getState();
    return ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'].includes(state);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

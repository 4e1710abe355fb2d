import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { bullPrefix } from '@carve/jobs';
import { RECONCILE_QUEUE, ReconcileLock, ReconcileRequestPayload, Reconciler } from '@carve/reconciliation';
import { Job as BullJob, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describePass } from './reconcile.scheduler';

/**
 * Consumes "reconcile this host now" requests (POST /v1/hosts/:id/reconcile). When a
 * pass is already running somewhere, the request fails this attempt and BullMQ tries
 * again a few seconds later (the producer sets attempts and backoff).
 */
@Injectable()
export class ReconcileRequestsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reconciler');
  private worker?: Worker<ReconcileRequestPayload>;
  private connection?: Redis;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly reconciler: Reconciler,
    private readonly lock: ReconcileLock,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker<ReconcileRequestPayload>(RECONCILE_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: bullPrefix(this.config),
      concurrency: 1,
    });
    this.worker.on('error', (error) => this.logger.warn(`reconcile queue error: ${error.message}`));
  }

  private async process(job: BullJob<ReconcileRequestPayload>): Promise<void> {
    const summary = await this.lock.exclusive(() => this.reconciler.runPass({ hostIds: [job.data.hostId] }));
    if (!summary) throw new Error('another reconcile pass is running; trying again shortly');
    this.logger.log(describePass(`requested for host ${job.data.hostId}`, summary));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}

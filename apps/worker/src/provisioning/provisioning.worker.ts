import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { bullPrefix, PROVISIONING_QUEUE, ProvisioningPayload, ProvisioningQueue } from '@carve/jobs';
import { DelayedError, Job as BullJob, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { WorkerHeartbeat } from '../worker-heartbeat.service';
import { HostLeases } from './host-leases';
import { JobRunner } from './job-runner';

/**
 * How long a job that found its host full waits at most: a release wakes it sooner (see
 * HostLeases); this only matters when its waker died or the wake-up raced its delay.
 */
const HOST_WAIT_FALLBACK_MS = 2000;

/** A woken job may still be on its way to the delayed set (it joined the waiters a moment ago). */
const WAKE_RETRY_PAUSES_MS = [0, 5, 25, 100];

/**
 * The BullMQ consumer: one worker and one blocking connection for every host. It only
 * dispatches: takes the host's lease (per-host limit), then hands the job to JobRunner.
 */
@Injectable()
export class ProvisioningWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private worker?: Worker<ProvisioningPayload>;
  private connection?: Redis;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly runner: JobRunner,
    private readonly leases: HostLeases,
    private readonly heartbeat: WorkerHeartbeat,
    private readonly queue: ProvisioningQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker<ProvisioningPayload>(PROVISIONING_QUEUE, (job, token) => this.process(job, token), {
      connection: this.connection,
      prefix: bullPrefix(this.config),
      concurrency: this.config.workerConcurrency,
      // A worker killed mid-job leaves it "stalled"; BullMQ hands it to another worker, whose steps resume.
      maxStalledCount: 10,
      lockDuration: this.config.jobLockMs,
      stalledInterval: this.config.jobLockMs,
    });
    this.worker.on('error', (error) => this.logger.warn(`queue error: ${error.message}`));
  }

  private async process(bullJob: BullJob<ProvisioningPayload>, token?: string): Promise<void> {
    const { jobId, hostId } = bullJob.data;
    if (hostId && !(await this.leases.acquire(hostId, jobId))) {
      // The host runs its limit of jobs already: wait without spending an attempt until a release wakes this job.
      await bullJob.moveToDelayed(Date.now() + HOST_WAIT_FALLBACK_MS + Math.floor(Math.random() * HOST_WAIT_FALLBACK_MS), token);
      throw new DelayedError();
    }
    const renew = hostId ? setInterval(() => void this.leases.renew(hostId, jobId).catch(() => undefined), HostLeases.LEASE_MS / 3) : undefined;
    try {
      const attempts = bullJob.opts.attempts ?? 1;
      const outcome = await this.runner.run(jobId, { number: bullJob.attemptsMade + 1, last: bullJob.attemptsMade + 1 >= attempts, workerId: this.heartbeat.workerId });
      if (outcome.kind === 'retry') throw outcome.error;
    } finally {
      clearInterval(renew);
      if (hostId) {
        const waiting = await this.leases.release(hostId, jobId);
        if (waiting) void this.wake(waiting);
      }
    }
  }

  /** Moves a job waiting for a host slot from delayed to waiting; its own delay brings it back if this fails. */
  private async wake(jobId: string): Promise<void> {
    for (const pause of WAKE_RETRY_PAUSES_MS) {
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      try {
        const job = await BullJob.fromId(this.queue.queue, jobId);
        if (!job) return;
        await job.promote();
        return;
      } catch {
        // Not delayed (yet): try again shortly.
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { bullPrefix, PROVISIONING_QUEUE, ProvisioningPayload } from '@carve/jobs';
import { DelayedError, Job as BullJob, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { WorkerHeartbeat } from '../worker-heartbeat.service';
import { HostLeases } from './host-leases';
import { JobRunner } from './job-runner';

/** How long a job waits before trying again for a slot on a busy host. */
const HOST_BUSY_DELAY_MS = 250;

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
    const { jobId, hostId, targetHostId } = bullJob.data;
    // A job on two hosts (a move) holds a lease on each; it takes both or neither.
    const hostIds = [hostId, targetHostId].filter((id): id is string => typeof id === 'string' && id !== '');
    const held: string[] = [];
    for (const id of hostIds) {
      if (await this.leases.acquire(id, jobId)) {
        held.push(id);
        continue;
      }
      for (const taken of held) await this.leases.release(taken, jobId);
      // The host runs its limit of jobs already: come back shortly without spending an attempt.
      await bullJob.moveToDelayed(Date.now() + HOST_BUSY_DELAY_MS + Math.floor(Math.random() * HOST_BUSY_DELAY_MS), token);
      throw new DelayedError();
    }
    const renew = held.length > 0 ? setInterval(() => held.forEach((id) => void this.leases.renew(id, jobId).catch(() => undefined)), HostLeases.LEASE_MS / 3) : undefined;
    try {
      const attempts = bullJob.opts.attempts ?? 1;
      const outcome = await this.runner.run(jobId, { number: bullJob.attemptsMade + 1, last: bullJob.attemptsMade + 1 >= attempts, workerId: this.heartbeat.workerId });
      if (outcome.kind === 'retry') throw outcome.error;
    } finally {
      clearInterval(renew);
      for (const id of held) await this.leases.release(id, jobId);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}

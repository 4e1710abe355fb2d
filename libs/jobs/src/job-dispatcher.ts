import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@carve/core';
import { ClaimedJob, JobChanges, JobRepository } from './job.repository';
import { ProvisioningQueue } from './provisioning-queue';

/**
 * Hands jobs to BullMQ one server lane at a time: only the oldest unfinished job of a
 * server is ever in the queue, so a server's jobs run in the order they were asked while
 * different servers run in parallel. One queue serves every host (no Redis connection or
 * queue per host); the per-host limit is a lease taken by the worker.
 */
@Injectable()
export class JobDispatcher {
  private readonly logger = new Logger('jobs');

  constructor(
    private readonly jobs: JobRepository,
    private readonly queue: ProvisioningQueue,
    private readonly clock: Clock,
  ) {}

  /** Queues the head of the server's lane if it is waiting and not yet handed over. Safe to call any number of times. */
  async dispatchLane(serverId: string): Promise<void> {
    await this.handOver(await this.jobs.claimLaneHead(serverId, this.clock.now()));
  }

  /**
   * The worker's end of a job: its final status and the claim of the next job of its lane
   * in one statement, then that job handed to BullMQ.
   */
  async finishAndDispatchNext(jobId: string, changes: JobChanges & { status: 'succeeded' | 'failed'; finishedAt: Date }, runId?: string): Promise<void> {
    await this.handOver(await this.jobs.finishAndClaimNext(jobId, changes, runId));
  }

  private async handOver(head: ClaimedJob | null): Promise<void> {
    if (!head) return;
    try {
      await this.queue.add(head.type, { jobId: head.id, customerId: head.customerId, serverId: head.serverId, hostId: head.hostId, targetHostId: head.targetHostId });
    } catch (error) {
      // The reconciler finds dispatched jobs that BullMQ does not hold and hands them over again.
      this.logger.warn(`could not queue job ${head.id}: ${(error as Error).message}; the reconciler will retry`);
    }
  }

  /** For the reconciler: forget a dispatch BullMQ lost, then dispatch again. */
  async redispatch(serverId: string, jobId: string): Promise<void> {
    await this.jobs.change(jobId, { dispatchedAt: null }, undefined, ['queued']);
    await this.dispatchLane(serverId);
  }
}

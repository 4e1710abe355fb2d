import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@carve/core';
import { JobDispatcher, JobEvents, JobRepository, ProvisioningQueue } from '@carve/jobs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DriftObservation } from './drift-observation';
import { WorkerLiveness } from './worker-liveness';

/** A dispatch older than this that BullMQ does not hold was lost (Redis restart, failed add). */
export const LOST_DISPATCH_AFTER_MS = 60_000;

export interface JobRecoveryResult {
  stuck: DriftObservation[];
  requeued: number;
  redispatched: number;
}

/**
 * The jobs side of a pass. A job `running` on a worker whose heartbeat is gone is put
 * back to `queued` and its lane dispatched again (its steps resume idempotently); a
 * lane head dispatched a while ago that BullMQ does not hold is handed over again.
 * Jobs of a live worker are never touched.
 */
@Injectable()
export class JobRecovery {
  private readonly logger = new Logger('reconciler');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: JobRepository,
    private readonly dispatcher: JobDispatcher,
    private readonly queue: ProvisioningQueue,
    private readonly events: JobEvents,
    private readonly liveness: WorkerLiveness,
    private readonly clock: Clock,
  ) {}

  async recover(): Promise<JobRecoveryResult> {
    const heads = await this.jobs.laneHeads();
    const running = heads.filter((h) => h.status === 'running');
    const alive = await this.liveness.alive(running.flatMap((h) => (h.workerId ? [h.workerId] : [])));
    const result: JobRecoveryResult = { stuck: [], requeued: 0, redispatched: 0 };

    for (const head of running) {
      if (head.workerId && alive.has(head.workerId)) continue;
      const requeued = await this.requeue(head.jobId, head.workerId);
      if (!requeued) continue; // someone took it meanwhile
      result.requeued += 1;
      this.logger.warn(`job ${head.jobId} was running on ${head.workerId ?? 'no worker'}, which has no heartbeat: queued again`);
      if (requeued.hostId) {
        result.stuck.push({
          hostId: requeued.hostId,
          kind: 'stuck_job',
          subject: head.jobId,
          details: { jobId: head.jobId, serverId: head.serverId, type: requeued.type, workerId: head.workerId, requeued: true },
        });
      }
      await this.events.publish(head.jobId);
      await this.dropFinishedCopy(head.jobId);
      await this.dispatcher.dispatchLane(head.serverId);
    }

    const lostBefore = this.clock.now().getTime() - LOST_DISPATCH_AFTER_MS;
    for (const head of heads) {
      if (head.status !== 'queued') continue;
      if (!head.dispatchedAt) {
        // Committed but never handed over (the process died in between): dispatching is idempotent.
        await this.dispatcher.dispatchLane(head.serverId);
        continue;
      }
      if (head.dispatchedAt.getTime() > lostBefore || (await this.queue.isQueued(head.jobId))) continue;
      await this.dropFinishedCopy(head.jobId);
      await this.dispatcher.redispatch(head.serverId, head.jobId);
      result.redispatched += 1;
      this.logger.warn(`job ${head.jobId} was dispatched at ${head.dispatchedAt.toISOString()} but BullMQ does not hold it: dispatched again`);
    }
    return result;
  }

  /** Back to `queued`, only while it is still running on the same dead worker. */
  private async requeue(jobId: string, workerId: string | null): Promise<{ hostId: string | null; type: string } | null> {
    const [rows] = (await this.db.query(
      `UPDATE jobs SET status = 'queued', worker_id = NULL, dispatched_at = NULL,
              error = 'worker ' || COALESCE($2::varchar, '(unknown)') || ' stopped while running this job; queued again by the reconciler',
              version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'running' AND worker_id IS NOT DISTINCT FROM $2::varchar
        RETURNING host_id, type`,
      [jobId, workerId],
    )) as [{ host_id: string | null; type: string }[], number];
    const row = rows[0];
    return row ? { hostId: row.host_id, type: row.type } : null;
  }

  /**
   * BullMQ ignores an add under an id it still keeps (completed or failed copies are kept
   * for a while), so a finished copy of a job carve still wants run must go first.
   * Waiting, delayed or active copies stay: the job is on its way.
   */
  private async dropFinishedCopy(jobId: string): Promise<void> {
    const copy = await this.queue.queue.getJob(jobId);
    if (!copy) return;
    const state = await copy.getState();
    if (state === 'completed' || state === 'failed') await copy.remove();
  }
}

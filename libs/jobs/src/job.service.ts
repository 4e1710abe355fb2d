import { Injectable } from '@nestjs/common';
import { Clock, ConflictError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { Actor, scopeOf } from '@carve/tenancy';
import { JobDispatcher } from './job-dispatcher';
import { JobEvents } from './job-events';
import { JobLifecycleHooks } from './job-lifecycle-hooks';
import { Job } from './job.entity';
import { JobFilter, JobRepository } from './job.repository';

export type JobView = Omit<Job, 'seq' | 'workerId' | 'dispatchedAt'>;

export function toJobView(job: Job): JobView {
  const { seq: _seq, workerId: _worker, dispatchedAt: _dispatched, ...view } = job;
  return view;
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

export interface JobStream {
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  /**
   * Throws when the caller may no longer read (token revoked or expired, user deleted,
   * account suspended). Required: a stream outlives the request that authenticated it.
   */
  readonly recheckCaller: (actor: Actor) => Promise<void>;
  readonly heartbeatSeconds?: number;
  readonly recheckSeconds?: number;
}

/** What customers and operators do with the jobs queue: look, follow, cancel. */
@Injectable()
export class JobService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly events: JobEvents,
    private readonly dispatcher: JobDispatcher,
    private readonly hooks: JobLifecycleHooks,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, page: PageRequest, filter: JobFilter): Promise<Page<JobView>> {
    // Customers filter within their own jobs only; the scope already pins customer_id.
    return toPage(await this.jobs.list(scopeOf(actor), page, filter), page.limit, toJobView);
  }

  async get(actor: Actor, id: string): Promise<JobView> {
    return toJobView(await this.require(actor, id));
  }

  /**
   * Long polling: answers as soon as the job's version is above `afterVersion` (or it is
   * finished), or after `waitSeconds` with the job as it is.
   */
  async follow(actor: Actor, id: string, afterVersion: number, waitSeconds: number): Promise<JobView> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const job = await this.require(actor, id);
      const remaining = deadline - Date.now();
      if (job.version > afterVersion || TERMINAL.includes(job.status) || remaining <= 0) return toJobView(job);
      // Re-read at least every 2 s in case a notice was missed (e.g. a Redis reconnect).
      await this.events.waitForChange(id, Math.min(remaining, 2000));
    }
  }

  /**
   * Every version of the job from now until it finishes, for a live stream. Between
   * changes it yields the unchanged job every `heartbeatSeconds`, so idle connections stay
   * open through proxies. The caller is checked again before every event and at least
   * every `recheckSeconds` while the job is quiet, so a stream whose token is revoked ends
   * (with the error the check throws) within seconds. Stops when the job is finished or
   * `signal` aborts.
   */
  async *changes(actor: Actor, id: string, stream: JobStream): AsyncGenerator<{ job: JobView; changed: boolean }> {
    const heartbeatMs = (stream.heartbeatSeconds ?? 25) * 1000;
    const recheckMs = (stream.recheckSeconds ?? 3) * 1000;
    let version = -1;
    let heartbeatAt = 0;
    while (!stream.signal.aborted) {
      const waitMs = version < 0 ? 0 : Math.max(0, Math.min(recheckMs, heartbeatAt - Date.now()));
      const job = await this.follow(actor, id, version, waitMs / 1000);
      if (stream.signal.aborted) return;
      await stream.recheckCaller(actor);
      const changed = job.version > version;
      if (!changed && Date.now() < heartbeatAt) continue;
      yield { job, changed };
      version = job.version;
      heartbeatAt = Date.now() + heartbeatMs;
      if (TERMINAL.includes(job.status)) return;
    }
  }

  /**
   * Only jobs no worker has started can be cancelled, and only when undoing the request is
   * exact: no later job of the server builds on it (cancel newest first), and no earlier job
   * ran after it was asked (such a job may already have acted on the changed server). The
   * owner of the job type undoes its side in the same transaction.
   */
  async cancel(actor: Actor, id: string): Promise<JobView> {
    const job = await this.require(actor, id);
    const cancelled = await this.jobs.transaction(async (manager) => {
      if (job.serverId) {
        const lane = await this.jobs.lockLane(job.serverId, manager);
        if (lane.length > 0 && lane[lane.length - 1]!.id !== id && lane.some((j) => j.id === id)) {
          throw new ConflictError('job_not_last', `Later jobs of this server are queued behind job ${id}; cancel them first, newest first.`, {
            laterJobIds: lane.slice(lane.findIndex((j) => j.id === id) + 1).map((j) => j.id),
          });
        }
        if (await this.jobs.ranBehindEarlierJobs(job, manager)) {
          throw new ConflictError('job_not_cancellable', `Earlier jobs of this server ran after job ${id} was asked; undoing it now would not restore the server. Ask for the opposite change instead.`);
        }
      }
      const updated = await this.jobs.cancelIfNotStarted(id, this.clock.now(), manager);
      if (updated) await this.hooks.cancelled(updated, manager);
      return updated;
    });
    if (!cancelled) {
      throw new ConflictError('job_not_cancellable', `Job ${id} is ${job.status === 'queued' ? 'retrying after a failed attempt' : job.status}; only jobs that have not started can be cancelled.`, {
        status: job.status,
      });
    }
    await this.events.publish(id);
    if (cancelled.serverId) await this.dispatcher.dispatchLane(cancelled.serverId);
    return toJobView(cancelled);
  }

  private async require(actor: Actor, id: string): Promise<Job> {
    const job = await this.jobs.findInScope(scopeOf(actor), id);
    if (!job) throw new NotFoundError('job', id);
    return job;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@carve/core';
import { HostRepository } from '@carve/inventory';
import { classifyError, Job, JobHandlerRegistry, StaleRunError, JobDispatcher, JobEvents, JobHandler, JobRepository, PermanentJobError } from '@carve/jobs';
import { JobSteps } from './job-steps';
import { Dom0Connections } from './dom0-connections';

export type RunOutcome =
  | { kind: 'finished'; status: 'succeeded' | 'failed' | 'skipped' }
  | { kind: 'retry'; error: Error };

/**
 * Runs one provisioning job to an end: re-reads the job and its host, runs the handler's
 * steps, and records the outcome. Transient failures (host unreachable, timeout, dropped
 * connection) come back as `retry` for BullMQ's backoff; permanent ones, or the last
 * attempt's, fail the job at once and let the handler undo its work.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('jobs');
  constructor(
    private readonly handlers: JobHandlerRegistry,
    private readonly jobs: JobRepository,
    private readonly hosts: HostRepository,
    private readonly connections: Dom0Connections,
    private readonly events: JobEvents,
    private readonly dispatcher: JobDispatcher,
    private readonly clock: Clock,
  ) {}

  async run(jobId: string, attempt: { number: number; last: boolean; workerId: string }): Promise<RunOutcome> {
    try {
      const started = await this.jobs.markRunning(jobId, { number: attempt.number, workerId: attempt.workerId, at: this.clock.now() });
      if (!started) return { kind: 'finished', status: 'skipped' }; // cancelled or already finished
      await this.events.publish(jobId);
      // A finished job hands its lane to the next job in the statement that records its end.
      return await this.execute(started, attempt.last);
    } catch (error) {
      if (error instanceof StaleRunError) {
        // Another run owns the job now (the reconciler re-queued it): stop without writing.
        this.logger.warn(error.message);
        return { kind: 'finished', status: 'skipped' };
      }
      // Something outside the handler failed (the database, recording a step). On the last
      // attempt the job must still end, or its server's lane would wait behind it for ever.
      if (attempt.last) await this.recordUnexpectedFailure(jobId, error);
      throw error;
    }
  }

  private async recordUnexpectedFailure(jobId: string, error: unknown): Promise<void> {
    const message = `the worker could not run the job: ${(error as Error)?.message ?? String(error)}`;
    this.logger.error(`job ${jobId}: ${message}`);
    await this.dispatcher
      .finishAndDispatchNext(jobId, { status: 'failed', finishedAt: this.clock.now(), error: message, errorCode: 'worker_error' })
      .then(() => this.events.publish(jobId))
      .catch(() => undefined); // the database itself is gone: the reconciler finds the job later
  }

  private async execute(job: Job, lastAttempt: boolean): Promise<RunOutcome> {
    const handler = this.handlers.get(job.type);
    const host = job.hostId ? await this.hosts.findById(job.hostId) : null;
    const targetHost = job.targetHostId ? await this.hosts.findById(job.targetHostId) : null;
    const steps = new JobSteps(job, this.jobs, this.events, this.clock);
    if (!handler || !host || (job.targetHostId && !targetHost)) {
      const error = new PermanentJobError(!handler ? 'unknown_job_type' : 'host_missing', !handler ? `No handler for job type ${job.type}.` : !host ? 'The job has no host.' : 'The job\'s second host no longer exists.');
      return this.fail(job, error, handler, undefined);
    }
    const connections = this.connections;
    const record = (line: string): void => steps.recordCommand(line);
    let dom0: ReturnType<Dom0Connections['clientFor']> | undefined;
    let targetDom0: ReturnType<Dom0Connections['clientFor']> | undefined;
    const target = targetHost
      ? {
          host: targetHost,
          get dom0() {
            return (targetDom0 ??= connections.clientFor(targetHost, record));
          },
        }
      : null;
    const ctx = {
      job,
      params: job.params as never,
      host,
      // Made on first use, inside the handler: a missing SSH key fails the job like any Dom0 error.
      get dom0() {
        return (dom0 ??= connections.clientFor(host, record));
      },
      target,
      lastAttempt,
      step: (name: string, work: Parameters<JobSteps['step']>[1]) => steps.step(name, work),
    };
    try {
      await handler.run(ctx);
      // Before the job reads as succeeded and the next job of the lane starts, as undo runs before failed.
      await handler.onSucceeded?.(ctx);
      await this.dispatcher.finishAndDispatchNext(job.id, { status: 'succeeded', finishedAt: this.clock.now(), error: null, errorCode: null }, job.runId!);
      await this.events.publish(job.id);
      return { kind: 'finished', status: 'succeeded' };
    } catch (error) {
      if (error instanceof StaleRunError) throw error;
      const classified = classifyError(error);
      if (classified.transient && !lastAttempt) {
        await this.jobs.changeInRun(job.id, job.runId!, { status: 'queued', error: `attempt ${job.attempts} failed, retrying: ${classified.message}`, errorCode: classified.code });
        await this.events.publish(job.id);
        return { kind: 'retry', error: error as Error };
      }
      return this.fail(job, error, handler, ctx);
    }
  }

  private async fail(job: Job, error: unknown, handler: JobHandler | undefined, ctx: Parameters<JobHandler['run']>[0] | undefined): Promise<RunOutcome> {
    const classified = classifyError(error);
    const message = classified.transient ? `gave up after ${job.attempts} attempts: ${classified.message}` : classified.message;
    this.logger.warn(`job ${job.id} (${job.type}) failed: ${message}`);
    let undoProblem = '';
    // Undo before the job reads as failed, so whoever follows it sees the final state.
    if (handler?.onFailed && ctx) {
      try {
        await handler.onFailed(ctx, { code: classified.code, message });
      } catch (undoError) {
        if (undoError instanceof StaleRunError) throw undoError;
        // The reconciler reports what the undo could not remove (orphan volumes, unknown domains).
        this.logger.error(`undo of job ${job.id} failed: ${(undoError as Error).message}`);
        undoProblem = `; undo incomplete: ${(undoError as Error).message}`;
      }
    }
    await this.dispatcher.finishAndDispatchNext(job.id, { status: 'failed', finishedAt: this.clock.now(), error: message + undoProblem, errorCode: classified.code }, job.runId ?? undefined);
    await this.events.publish(job.id);
    return { kind: 'finished', status: 'failed' };
  }
}

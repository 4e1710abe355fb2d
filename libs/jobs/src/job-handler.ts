import type { Host } from '@carve/inventory';
import type { Dom0Client } from '@carve/xen';
import type { Job } from './job.entity';
import type { JobParams, JobType } from './job-types';

/** What a step reports back: commands it ran and a note on what it found or did. */
export interface StepReport {
  command(line: string): void;
  note(text: string): void;
  /** A note saved on the job at once (at most about once a second), for long steps: bytes copied, rate. */
  progress?(text: string): Promise<void>;
}

export interface JobContext<T extends JobType = JobType> {
  readonly job: Job;
  readonly params: JobParams[T];
  readonly host: Host;
  /** The Dom0 of the job's host, over the worker's pooled SSH connection. */
  readonly dom0: Dom0Client;
  /**
   * The second host of a job that works on two (`job.targetHostId`: a move's target), with
   * its Dom0 over its own pooled connection; null for single-host jobs.
   */
  readonly target: { readonly host: Host; readonly dom0: Dom0Client } | null;
  /** True on the last attempt: a transient failure now fails the job. */
  readonly lastAttempt: boolean;
  /**
   * Runs one named step and records it on the job. A step that succeeded in an earlier
   * attempt is skipped; every step must still check before it acts, because a worker can
   * die between doing the work and recording it.
   */
  step(name: string, work: (report: StepReport) => Promise<void>): Promise<void>;
}

/**
 * One kind of job. `run` does the work step by step; `onFailed` runs once when the job
 * fails for good (undo a half-built server, release reservations) and must be idempotent too.
 */
export interface JobHandler<T extends JobType = JobType> {
  readonly type: T;
  run(ctx: JobContext<T>): Promise<void>;
  onFailed?(ctx: JobContext<T>, error: { code: string; message: string }): Promise<void>;
  onSucceeded?(ctx: JobContext<T>): Promise<void>;
}

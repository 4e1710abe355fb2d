import type { CarveApi } from './carve-api';
import { FINISHED_JOB_STATUSES, type JobStep, type JobView } from './api-types';
import type { Narrator } from './narrator';

/** A job that ended in anything but success: the demo stops with its reason. */
export class JobFailedError extends Error {
  constructor(readonly job: JobView) {
    super(`job ${job.id} (${job.type}) ${job.status}${job.errorCode ? ` [${job.errorCode}]` : ''}: ${job.error ?? 'no reason recorded'}`);
  }
}

const LONG_POLL_SECONDS = 20;
/** A running step's notes (a copy's progress changes every second) are shown at most this often. */
const PROGRESS_EVERY_MS = 4000;

function describeStep(step: JobStep): string {
  const seconds = step.startedAt && step.finishedAt ? ` (${((Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000).toFixed(2)} s)` : '';
  const commands = step.commands?.length ? `, ${step.commands.length} command${step.commands.length === 1 ? '' : 's'}` : '';
  const note = step.note ? `: ${step.note}` : '';
  const error = step.error ? `: ${step.error}` : '';
  return `${step.status === 'succeeded' ? 'done' : step.status} ${step.name}${seconds}${commands}${note}${error}`;
}

/**
 * Follows a job by long polling GET /v1/jobs/:id?afterVersion=N and prints each step once,
 * when it finishes (with `progress`, also each new note of a running step, such as a copy's
 * bytes and rate). Resolves with the finished job; throws JobFailedError unless it succeeded.
 */
export async function followJob(api: CarveApi, job: JobView, label: string, narrator: Narrator, options: { progress?: boolean } = {}): Promise<JobView> {
  const printed = new Set<string>();
  const shown = new Map<string, number>();
  let current = job;
  for (;;) {
    current.steps.forEach((step, index) => {
      const key = `${index}:${step.name}`;
      if (options.progress && step.status === 'running' && step.note && Date.now() - (shown.get(key) ?? 0) >= PROGRESS_EVERY_MS) {
        shown.set(key, Date.now());
        narrator.detail(`[${label}] ... ${step.name}: ${step.note}`);
      }
      if (printed.has(key) || !['succeeded', 'skipped', 'failed'].includes(step.status)) return;
      printed.add(key);
      narrator.detail(`[${label}] ${describeStep(step)}`);
    });
    if (FINISHED_JOB_STATUSES.includes(current.status)) break;
    current = await api.get<JobView>(`/v1/jobs/${current.id}?afterVersion=${current.version}&waitSeconds=${LONG_POLL_SECONDS}`);
  }
  const done = current.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
  narrator.detail(`[${label}] ${current.type} ${current.status}: ${done}/${current.steps.length} steps${current.attempts > 1 ? `, ${current.attempts} attempts` : ''}`);
  if (current.status !== 'succeeded') throw new JobFailedError(current);
  return current;
}

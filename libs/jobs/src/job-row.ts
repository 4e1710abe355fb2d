import { Job, JobStatus, JobStep } from './job.entity';

/** A `jobs` row as `RETURNING *` gives it (node-postgres parses jsonb and timestamptz; bigint stays a string). */
export interface JobRow {
  id: string;
  seq: string;
  customer_id: string | null;
  server_id: string | null;
  host_id: string | null;
  target_host_id: string | null;
  type: string;
  params: Record<string, unknown>;
  status: JobStatus;
  steps: JobStep[];
  attempts: number;
  error: string | null;
  error_code: string | null;
  requested_by_user_id: string | null;
  worker_id: string | null;
  run_id: string | null;
  dispatched_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

/** The entity from a raw row, so a write can answer with the job without reading it again. */
export function jobFromRow(row: JobRow): Job {
  return Object.assign(new Job(), {
    id: row.id,
    seq: Number(row.seq),
    customerId: row.customer_id,
    serverId: row.server_id,
    hostId: row.host_id,
    targetHostId: row.target_host_id ?? null,
    type: row.type,
    params: row.params,
    status: row.status,
    steps: row.steps,
    attempts: row.attempts,
    error: row.error,
    errorCode: row.error_code,
    requestedByUserId: row.requested_by_user_id,
    workerId: row.worker_id,
    runId: row.run_id,
    dispatchedAt: row.dispatched_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  });
}

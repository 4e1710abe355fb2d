/**
 * A failure that retrying will not fix (invalid request, no memory on the host, host key
 * mismatch). The runner fails the job at once with this code and message; anything else
 * marked transient (host unreachable, timeout, dropped connection) is retried with backoff.
 */
export class PermanentJobError extends Error {
  readonly transient = false;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/**
 * This worker's run of a job was taken over (the reconciler re-queued it, another worker
 * runs it now): the run stops without writing anything more.
 */
export class StaleRunError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is no longer this worker's run`);
    this.name = 'StaleRunError';
  }
}

export interface ClassifiedError {
  transient: boolean;
  code: string;
  message: string;
}

/**
 * PostgreSQL failures that say nothing about the request: the server went away, or two
 * transactions collided. Failing the job for them would undo a server that is fine.
 */
const TRANSIENT_DATABASE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '40001', '40P01', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']);

/** Transport and Dom0 errors carry `transient` and `code`; anything unknown is treated as permanent, so a bug never loops. */
export function classifyError(error: unknown): ClassifiedError {
  const e = error as { transient?: unknown; code?: unknown; message?: unknown; driverError?: { code?: unknown } };
  const databaseCode = typeof e?.driverError?.code === 'string' ? e.driverError.code : typeof e?.code === 'string' ? e.code : '';
  if (e?.transient === undefined && TRANSIENT_DATABASE_CODES.has(databaseCode)) {
    return { transient: true, code: 'database_unavailable', message: typeof e?.message === 'string' ? e.message : String(error) };
  }
  return {
    transient: e?.transient === true,
    // Transport errors say DOM0_HOST_UNREACHABLE; jobs show every code in one style: host_unreachable.
    code: typeof e?.code === 'string' ? e.code.toLowerCase().replace(/^dom0_/, '') : 'internal_error',
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}

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

export interface ClassifiedError {
  transient: boolean;
  code: string;
  message: string;
}

/** Transport and Dom0 errors carry `transient` and `code`; anything unknown is treated as permanent, so a bug never loops. */
export function classifyError(error: unknown): ClassifiedError {
  const e = error as { transient?: unknown; code?: unknown; message?: unknown };
  return {
    transient: e?.transient === true,
    // Transport errors say DOM0_HOST_UNREACHABLE; jobs show every code in one style: host_unreachable.
    code: typeof e?.code === 'string' ? e.code.toLowerCase().replace(/^dom0_/, '') : 'internal_error',
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}

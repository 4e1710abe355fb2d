/**
 * Stable codes for Dom0 failures that retrying would not fix: the job runner
 * shows the code and the message, and fails the job at once.
 */
export const DOM0_FAILURE_CODES = [
  'insufficient_host_memory',
  'volume_group_full',
  'volume_exists',
  'volume_size_mismatch',
  'volume_not_found',
  'volume_in_use',
  'shrink_refused',
  'filesystem_mismatch',
  'device_busy',
  'image_missing',
  'boot_file_missing',
  'domain_exists',
  'domain_not_found',
  'domain_config_invalid',
  'disk_missing',
  'disk_not_attached',
  'vdev_in_use',
  'above_maxmem',
  'above_maxvcpus',
  'above_host_cpus',
  'sched_param_out_of_range',
] as const;

export type Dom0FailureCode = (typeof DOM0_FAILURE_CODES)[number];

export function isDom0FailureCode(code: string): code is Dom0FailureCode {
  return (DOM0_FAILURE_CODES as readonly string[]).includes(code);
}

/** A Dom0 refused an operation for a reason that holds until someone changes the request or the host. */
export class Dom0OperationError extends Error {
  readonly transient = false;

  constructor(
    readonly code: Dom0FailureCode,
    readonly hostId: string,
    /** What carve was doing, e.g. `create logical volume vg0/web1-root of 10 GiB`. */
    readonly operation: string,
    message: string,
    /** The command's exit code and stderr, when a command refused (absent when the client refused before running one). */
    readonly detail: { readonly exitCode?: number; readonly stderr?: string } = {},
  ) {
    super(`${operation} on ${hostId}: ${message}`);
    this.name = 'Dom0OperationError';
  }
}

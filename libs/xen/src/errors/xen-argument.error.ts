/**
 * An argument meant for a Dom0 command line was refused before it reached a shell.
 * `field` names the argument (e.g. `lvName`), `reason` says what rule it broke.
 */
export class XenArgumentError extends Error {
  readonly code = 'XEN_ARGUMENT_INVALID';

  constructor(
    readonly field: string,
    readonly reason: string,
    readonly value?: unknown,
  ) {
    super(`invalid ${field}: ${reason}`);
    this.name = 'XenArgumentError';
  }
}

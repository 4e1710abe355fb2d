/**
 * A reading, span or option metering cannot count exactly: a counter that is not a
 * non-negative safe integer, an empty span, a bad interval. It is a collection or
 * programming fault, never a client's, so it names the field and the reason for the log.
 */
export class UsageInputError extends Error {
  readonly code = 'METERING_INVALID_INPUT';

  constructor(
    /** Dotted path of the bad value: `next.counters.cpuMs`, `options.intervalMs`, `instants.2`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'UsageInputError';
  }
}

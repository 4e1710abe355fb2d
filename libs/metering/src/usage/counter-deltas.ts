import { assertMillis, countersOf, Counters, USAGE_COUNTERS, UsageCounter } from './usage-counters';
import { UsageInputError } from './usage-input.error';
import { assertReading, DomainReading, UsageLoss, UsageSpan, UsageSpanKind } from './usage-span';

export const DEFAULT_GAP_FACTOR = 2.5;

export interface AdvanceOptions {
  /** How often the host is read. */
  readonly intervalMs: number;
  /** Readings more than gapFactor × intervalMs apart make a `gap` span. Default 2.5. */
  readonly gapFactor?: number;
  /** The host's previous collection instant: a domain first seen now started after it. */
  readonly previousHostReadingAt?: number;
}

/**
 * What one reading adds. A duplicate counts nothing and must not replace the stored
 * previous reading: the counters are cumulative, so whatever a replayed or clock-stepped
 * reading hid is counted by the next reading that is later than the stored one.
 */
export type CounterAdvance =
  | { readonly duplicate: true; readonly span?: undefined; readonly loss?: undefined }
  | { readonly duplicate: false; readonly span: UsageSpan; readonly loss?: UsageLoss };

/** The usage between a domain's stored reading and the next one. */
export function advanceCounters(previous: DomainReading | undefined, next: DomainReading, options: AdvanceOptions): CounterAdvance {
  if (previous !== undefined) assertReading(previous, 'previous');
  assertReading(next, 'next');
  const { intervalMs, gapFactor } = checkedOptions(options);
  const spanOf = (from: number, usage: Counters): UsageSpan => ({
    from,
    to: next.at,
    usage,
    memoryMiB: next.memoryMiB,
    kind: spanKind(next.at - from, intervalMs, gapFactor),
  });

  if (previous === undefined) {
    // A domain seen for the first time started after the host's previous collection,
    // with its counters at zero, so all it has counted is usage.
    const hostAt = options.previousHostReadingAt;
    const from = hostAt !== undefined && hostAt < next.at ? hostAt : next.at - intervalMs;
    return { duplicate: false, span: spanOf(from, next.counters) };
  }
  if (next.at <= previous.at) return { duplicate: true };

  const before = previous.counters;
  const after = next.counters;
  const newDomain = next.domid !== previous.domid;
  // CPU time restarts only with the domain, so CPU going down under the same domid is a
  // domain restarted under a fixed domid: every counter restarted. Device counters can
  // restart alone (a vif reconnected) while CPU keeps counting; those restart one by one.
  const allRestarted = newDomain || after.cpuMs < before.cpuMs;
  const restarted = (counter: UsageCounter): boolean => allRestarted || after[counter] < before[counter];
  const usage = countersOf((counter) => (restarted(counter) ? after[counter] : after[counter] - before[counter]));
  const span = spanOf(previous.at, usage);
  if (!USAGE_COUNTERS.some(restarted)) return { duplicate: false, span };
  return { duplicate: false, span, loss: { from: span.from, to: span.to, reason: newDomain ? 'domain-restarted' : 'counter-reset' } };
}

function spanKind(durationMs: number, intervalMs: number, gapFactor: number): UsageSpanKind {
  return durationMs > gapFactor * intervalMs ? 'gap' : 'measured';
}

function checkedOptions(options: AdvanceOptions): { intervalMs: number; gapFactor: number } {
  const { intervalMs, gapFactor = DEFAULT_GAP_FACTOR, previousHostReadingAt } = options;
  assertMillis(intervalMs, 'options.intervalMs');
  if (intervalMs <= 0) throw new UsageInputError('options.intervalMs', `${intervalMs} is not positive`);
  if (typeof gapFactor !== 'number' || !Number.isFinite(gapFactor) || gapFactor <= 0) {
    throw new UsageInputError('options.gapFactor', `${String(gapFactor)} is not a positive number`);
  }
  if (previousHostReadingAt !== undefined) assertMillis(previousHostReadingAt, 'options.previousHostReadingAt');
  return { intervalMs, gapFactor };
}

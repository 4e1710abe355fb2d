import { assertMillis, USAGE_COUNTERS, UsageCounter } from './usage-counters';
import { UsageInputError } from './usage-input.error';
import { assertSpan, UsageSpan } from './usage-span';

/** Graph buckets: :00, :05, ... of every hour (UTC, and every zone whose offset is a multiple of 5 minutes). */
export const DEFAULT_BUCKET_MS = 300_000;

/** A span cut at every multiple of bucketMs since the epoch that lies inside it. */
export function splitAtBuckets(span: UsageSpan, bucketMs: number = DEFAULT_BUCKET_MS): UsageSpan[] {
  assertSpan(span, 'span');
  assertMillis(bucketMs, 'bucketMs');
  if (bucketMs <= 0) throw new UsageInputError('bucketMs', `${bucketMs} is not positive`);
  const cuts: number[] = [];
  const intoBucket = ((span.from % bucketMs) + bucketMs) % bucketMs;
  for (let at = span.from - intoBucket + bucketMs; at < span.to; at += bucketMs) cuts.push(at);
  return piecesOf(span, cuts);
}

/** A span cut at the given instants (a month's start in a time zone, ...); instants outside (from, to) are ignored. */
export function splitAt(span: UsageSpan, instants: readonly number[]): UsageSpan[] {
  assertSpan(span, 'span');
  instants.forEach((at, i) => assertMillis(at, `instants.${i}`));
  const cuts = [...new Set(instants.filter((at) => at > span.from && at < span.to))].sort((a, b) => a - b);
  return piecesOf(span, cuts);
}

/**
 * Each counter is apportioned by time by rounding its running total: the usage up to
 * instant t is round(usage × (t - from) / duration), half up, and a piece gets the
 * difference at its two ends. The pieces sum exactly to the span, none is negative,
 * each is within one unit of its exact share, and, unlike largest remainders per split,
 * a piece depends only on its own ends: 5-minute pieces re-summed per hour or per
 * month equal the span split at those hours or that month directly.
 */
function piecesOf(span: UsageSpan, cuts: readonly number[]): UsageSpan[] {
  if (cuts.length === 0) return [{ ...span }];
  const bounds = [span.from, ...cuts, span.to];
  const offsets = bounds.map((at) => at - span.from);
  const usages = bounds.slice(1).map(() => ({}) as Record<UsageCounter, number>);
  for (const counter of USAGE_COUNTERS) {
    const totals = runningTotals(span.usage[counter], offsets, span.to - span.from);
    usages.forEach((usage, i) => (usage[counter] = totals[i + 1] - totals[i]));
  }
  return usages.map((usage, i) => ({ from: bounds[i], to: bounds[i + 1], usage, memoryMiB: span.memoryMiB, kind: span.kind }));
}

/** round(total × offset / duration), half up, for each offset; exact past 2^53 through BigInt. */
function runningTotals(total: number, offsets: readonly number[], duration: number): number[] {
  if (total === 0) return offsets.map(() => 0);
  // total = whole × duration + part, so total × offset / duration = whole × offset + part × offset / duration,
  // which keeps every product below 2^53 for spans up to about 18 hours whatever the counter.
  const part = total % duration;
  const whole = (total - part) / duration;
  const divisor = 2 * duration;
  if (Number.isSafeInteger(2 * part * duration + duration)) {
    return offsets.map((offset) => {
      const dividend = 2 * part * offset + duration;
      return whole * offset + (dividend - (dividend % divisor)) / divisor;
    });
  }
  const [bigPart, bigDuration, bigDivisor] = [BigInt(part), BigInt(duration), BigInt(divisor)];
  return offsets.map((offset) => whole * offset + Number((2n * bigPart * BigInt(offset) + bigDuration) / bigDivisor));
}

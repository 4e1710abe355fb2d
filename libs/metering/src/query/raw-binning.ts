import { USAGE_COUNTERS } from '../usage';
import { addCount, Count } from './exact-count';

/** One server's usage in one bucket, counters in USAGE_COUNTERS order. */
export interface ServerBucket {
  start: number;
  counters: Count[];
  coveredMs: number;
  estimatedMs: number;
  memoryMibMs: number;
}

/** A raw span as the graph query reads it: times in ms, counters in USAGE_COUNTERS order. */
export interface RawSpan {
  from: number;
  to: number;
  gap: boolean;
  memoryMiB: number;
  counters: readonly number[];
}

const COUNTER_COUNT = USAGE_COUNTERS.length;

/**
 * Adds the pieces of a span that start in [windowFrom, windowTo) to one server's buckets
 * (slot (start - windowFrom) / stepMs; the window is on the step's grid). The pieces are
 * those of splitAtBuckets(span, stepMs), to the unit: each counter is apportioned by
 * rounding its running total, round(total × offset / duration) half up, and a piece gets
 * the difference at its ends. Done here in numbers, without a piece object per minute.
 */
export function binSpan(buckets: (ServerBucket | undefined)[], span: RawSpan, windowFrom: number, windowTo: number, stepMs: number): void {
  const duration = span.to - span.from;
  const firstStart = Math.floor(span.from / stepMs) * stepMs;
  const startAt = Math.max(firstStart, windowFrom);
  const endAt = Math.min(span.to, windowTo);
  if (startAt >= endAt) return;
  const previous = new Array<number>(COUNTER_COUNT);
  let pieceFrom = Math.max(span.from, startAt);
  for (let i = 0; i < COUNTER_COUNT; i += 1) previous[i] = runningTotal(span.counters[i]!, pieceFrom - span.from, duration);
  for (let start = startAt; start < endAt; start += stepMs) {
    const pieceTo = Math.min(start + stepMs, span.to);
    const slot = (start - windowFrom) / stepMs;
    let bucket = buckets[slot];
    if (!bucket) {
      bucket = { start, counters: new Array<Count>(COUNTER_COUNT).fill(0), coveredMs: 0, estimatedMs: 0, memoryMibMs: 0 };
      buckets[slot] = bucket;
    }
    const offset = pieceTo - span.from;
    for (let i = 0; i < COUNTER_COUNT; i += 1) {
      const total = runningTotal(span.counters[i]!, offset, duration);
      bucket.counters[i] = addCount(bucket.counters[i]!, total - previous[i]!);
      previous[i] = total;
    }
    const pieceMs = pieceTo - pieceFrom;
    bucket.coveredMs += pieceMs;
    if (span.gap) bucket.estimatedMs += pieceMs;
    bucket.memoryMibMs += span.memoryMiB * pieceMs;
    pieceFrom = pieceTo;
  }
}

/** round(total × offset / duration), half up, exact (the same arithmetic as splitAtBuckets). */
function runningTotal(total: number, offset: number, duration: number): number {
  if (total === 0 || offset === 0) return 0;
  if (offset === duration) return total;
  // total = whole × duration + part: every product stays below 2^53 for spans up to about 18 hours whatever the counter.
  const part = total % duration;
  const whole = (total - part) / duration;
  const divisor = 2 * duration;
  if (Number.isSafeInteger(2 * part * duration + duration)) {
    const dividend = 2 * part * offset + duration;
    return whole * offset + (dividend - (dividend % divisor)) / divisor;
  }
  return whole * offset + Number((2n * BigInt(part) * BigInt(offset) + BigInt(duration)) / BigInt(divisor));
}

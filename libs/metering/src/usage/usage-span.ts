import { assertCount, assertCounters, assertMillis, Counters } from './usage-counters';
import { UsageInputError } from './usage-input.error';

/**
 * One domain's cumulative counters as read at the Dom0's own clock. A counter summed
 * over the domain's disks or vifs must not fall when one is detached (carve detaches
 * disks from running domains): a fall reads as that counter restarting from zero.
 */
export interface DomainReading {
  readonly domid: number;
  /** Dom0 epoch ms. */
  readonly at: number;
  readonly counters: Counters;
  readonly memoryMiB: number;
}

export const USAGE_SPAN_KINDS = ['measured', 'gap'] as const;
export type UsageSpanKind = (typeof USAGE_SPAN_KINDS)[number];

/**
 * Usage over [from, to). `gap`: the readings were more than gapFactor intervals apart;
 * the total is right but its spread over the span is unknown (graphs show it as estimated).
 */
export interface UsageSpan {
  readonly from: number;
  readonly to: number;
  readonly usage: Counters;
  /** What the domain had at the reading that closed the span. */
  readonly memoryMiB: number;
  readonly kind: UsageSpanKind;
}

export const USAGE_LOSS_REASONS = ['domain-restarted', 'counter-reset'] as const;
export type UsageLossReason = (typeof USAGE_LOSS_REASONS)[number];

/**
 * Usage that could not be measured over [from, to): the domain restarted (new domid) or
 * a counter went down, so what the old counters did after the last reading is lost.
 * Recorded, never invented.
 */
export interface UsageLoss {
  readonly from: number;
  readonly to: number;
  readonly reason: UsageLossReason;
}

export function assertReading(reading: DomainReading, field: string): void {
  if (typeof reading !== 'object' || reading === null) throw new UsageInputError(field, 'is not a reading');
  assertCount(reading.domid, `${field}.domid`);
  assertMillis(reading.at, `${field}.at`);
  assertCount(reading.memoryMiB, `${field}.memoryMiB`);
  assertCounters(reading.counters, `${field}.counters`);
}

export function assertSpan(span: UsageSpan, field: string): void {
  if (typeof span !== 'object' || span === null) throw new UsageInputError(field, 'is not a span');
  assertMillis(span.from, `${field}.from`);
  assertMillis(span.to, `${field}.to`);
  if (span.to <= span.from) throw new UsageInputError(`${field}.to`, `${span.to} is not after from (${span.from})`);
  assertCount(span.memoryMiB, `${field}.memoryMiB`);
  if (!(USAGE_SPAN_KINDS as readonly string[]).includes(span.kind)) throw new UsageInputError(`${field}.kind`, `${String(span.kind)} is not measured or gap`);
  assertCounters(span.usage, `${field}.usage`);
}

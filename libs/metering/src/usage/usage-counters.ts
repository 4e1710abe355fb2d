import { UsageInputError } from './usage-input.error';

/**
 * The cumulative counters carve keeps per domain. Each only grows while the domain
 * runs and restarts from zero when the domain (or, for device counters, the device) does.
 */
export const USAGE_COUNTERS = [
  'cpuMs',
  'readRequests',
  'writeRequests',
  'readBytes',
  'writeBytes',
  'ooRequests',
  'netOutBytes',
  'netInBytes',
  'readTicksMs',
  'writeTicksMs',
  'queueTicksMs',
] as const;

export type UsageCounter = (typeof USAGE_COUNTERS)[number];

/** One value per counter, each a non-negative safe integer. */
export type Counters = Readonly<Record<UsageCounter, number>>;

export function countersOf(value: (counter: UsageCounter) => number): Counters {
  const counters = {} as Record<UsageCounter, number>;
  for (const counter of USAGE_COUNTERS) counters[counter] = value(counter);
  return counters;
}

export const ZERO_COUNTERS: Counters = Object.freeze(countersOf(() => 0));

/** Exact sum; refuses to round past 2^53 rather than lose a unit. */
export function addCounters(a: Counters, b: Counters): Counters {
  return countersOf((counter) => {
    const sum = a[counter] + b[counter];
    if (!Number.isSafeInteger(sum)) throw new UsageInputError(counter, `sum ${a[counter]} + ${b[counter]} is larger than 2^53`);
    return sum;
  });
}

/** Every counter present, nothing else, each a non-negative safe integer: a missing counter is an error, never a zero. */
export function assertCounters(counters: Counters, field: string): void {
  if (typeof counters !== 'object' || counters === null) throw new UsageInputError(field, 'is not an object of counters');
  for (const counter of USAGE_COUNTERS) assertCount(counters[counter], `${field}.${counter}`);
  const unknown = Object.keys(counters).find((key) => !(USAGE_COUNTERS as readonly string[]).includes(key));
  if (unknown !== undefined) throw new UsageInputError(`${field}.${unknown}`, 'is not a usage counter');
}

/** A non-negative safe integer (a count, bytes, MiB, a domid). */
export function assertCount(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new UsageInputError(field, `${String(value)} is not a non-negative integer below 2^53`);
  }
}

/** An instant or a duration in whole milliseconds. */
export function assertMillis(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new UsageInputError(field, `${String(value)} is not a whole number of milliseconds`);
}

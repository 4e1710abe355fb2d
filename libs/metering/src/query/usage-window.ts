import { InvalidInputError } from '@carve/core';
import type { RollupTable } from '../storage/usage-columns';

/** Where a graph's points come from: raw spans binned to a minute, or a rollup. */
export type UsageSource = 'raw' | RollupTable;

export interface UsageWindow {
  from: number;
  to: number;
  stepMs: number;
  source: UsageSource;
}

export interface WindowQuery {
  range?: string;
  month?: string;
  from?: string;
  to?: string;
}

export interface Retention {
  rawHours: number;
  fiveMinuteDays: number;
  hourlyMonths: number;
}

/** A series has at most about this many points: the finest resolution that fits is chosen. */
export const MAX_POINTS = 1500;
/** The longest window: daily points for about four years. */
export const MAX_WINDOW_MS = MAX_POINTS * 86_400_000;
const RANGES: Record<string, number> = { '24h': 86_400_000, '30d': 30 * 86_400_000 };
const RESOLUTIONS: { source: UsageSource; stepMs: number; keepMs: (r: Retention) => number }[] = [
  { source: 'raw', stepMs: 60_000, keepMs: (r) => r.rawHours * 3_600_000 },
  { source: 'usage_5m', stepMs: 300_000, keepMs: (r) => r.fiveMinuteDays * 86_400_000 },
  { source: 'usage_1h', stepMs: 3_600_000, keepMs: (r) => r.hourlyMonths * 31 * 86_400_000 },
  { source: 'usage_1d', stepMs: 86_400_000, keepMs: () => Number.POSITIVE_INFINITY },
];

const bad = (field: string, message: string) => new InvalidInputError([{ field: `query.${field}`, message }]);

function instant(text: string, field: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) throw bad(field, 'must be an ISO 8601 instant with a time zone, e.g. 2026-11-01T00:00:00Z');
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw bad(field, 'is not a real date and time');
  return at;
}

/**
 * Turns `range`, `month` or `from`/`to` into the window of a graph and picks its
 * resolution: the finest whose retention reaches `from` and that gives at most MAX_POINTS
 * points. Months are UTC calendar months. Every malformed, reversed, future or too long
 * window is a 400 naming the parameter.
 */
export function usageWindow(query: WindowQuery, now: number, retention: Retention): UsageWindow {
  const given = (['range', 'month', 'from', 'to'] as const).filter((k) => query[k] !== undefined);
  if (given.includes('range') && given.length > 1) throw bad(given.find((k) => k !== 'range')!, 'cannot be combined with range');
  if (given.includes('month') && given.length > 1) throw bad(given.find((k) => k !== 'month')!, 'cannot be combined with month');
  let from: number;
  let to: number;
  if (query.month !== undefined) {
    const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(query.month);
    if (!m) throw bad('month', 'must be a month as YYYY-MM');
    from = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
    to = Date.UTC(Number(m[1]), Number(m[2]), 1);
    if (from > now) throw bad('month', 'is in the future');
  } else if (query.from !== undefined || query.to !== undefined) {
    if (query.from === undefined) throw bad('from', 'is required with to');
    from = instant(query.from, 'from');
    to = query.to === undefined ? now : instant(query.to, 'to');
    if (from > now) throw bad('from', 'is in the future');
    if (to <= from) throw bad('to', 'must be after from');
    if (to > now + 60_000) throw bad('to', 'is in the future');
  } else {
    const range = query.range ?? '24h';
    const length = RANGES[range];
    if (length === undefined) throw bad('range', `must be one of ${Object.keys(RANGES).join(', ')}`);
    to = now;
    from = now - length;
  }
  if (to - from > MAX_WINDOW_MS) throw bad(query.month !== undefined ? 'month' : 'from', `the window may span at most ${MAX_POINTS} days`);
  const resolution =
    RESOLUTIONS.find((r) => (to - from) / r.stepMs <= MAX_POINTS && now - from <= r.keepMs(retention)) ?? RESOLUTIONS[RESOLUTIONS.length - 1]!;
  // Points start on the resolution's grid, so the same window gives the same buckets in every series and graph.
  const alignedFrom = Math.floor(from / resolution.stepMs) * resolution.stepMs;
  const alignedTo = Math.ceil(to / resolution.stepMs) * resolution.stepMs;
  return { from: alignedFrom, to: alignedTo, stepMs: resolution.stepMs, source: resolution.source };
}

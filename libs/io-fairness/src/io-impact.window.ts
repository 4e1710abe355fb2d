import { InvalidInputError } from '@carve/core';

export interface IoWindowQuery {
  from?: string;
  to?: string;
}

export interface IoWindow {
  from: number;
  to: number;
  stepMs: number;
}

export const DEFAULT_IO_WINDOW_MS = 86_400_000;
const STEPS_MS = [60_000, 120_000, 300_000, 600_000];
const MAX_STEPS = 1500;
/** Clocks of Dom0s and the API differ a little: a `to` this far ahead is still now. */
const CLOCK_SKEW_MS = 60_000;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const bad = (field: string, message: string) => new InvalidInputError([{ field: `query.${field}`, message }]);

function instant(text: string, field: string): number {
  if (!INSTANT.test(text)) throw bad(field, 'must be an ISO 8601 instant with a time zone, e.g. 2026-11-01T00:00:00Z');
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw bad(field, 'is not a real date and time');
  return at;
}

/**
 * The report's window: `from`/`to` (default the last 24 hours; `to` defaults to now, `from` to
 * 24 hours before `to` or the oldest kept, whichever is later).
 * The report needs per-interval data (raw spans and the disks' busy time), so `from` may
 * reach back only as far as raw metering is kept. Steps of one minute, coarser when the
 * window would have more than 1,500.
 */
export function ioWindow(query: IoWindowQuery, now: number, rawRetentionHours: number): IoWindow {
  const oldest = now - rawRetentionHours * 3_600_000;
  const kept = `the ${rawRetentionHours} hours of per-interval metering kept (earliest ${new Date(oldest).toISOString()})`;
  const to = query.to === undefined ? now : instant(query.to, 'to');
  // Without a from, the window is the 24 hours before `to`, or as much of them as is kept.
  const from = query.from === undefined ? Math.max(to - DEFAULT_IO_WINDOW_MS, oldest) : instant(query.from, 'from');
  if (from > now) throw bad('from', 'is in the future');
  if (to > now + CLOCK_SKEW_MS) throw bad('to', 'is in the future');
  if (query.from === undefined && to <= oldest) throw bad('to', `is before ${kept}`);
  if (to <= from) throw bad('to', 'must be after from');
  if (from < oldest) throw bad('from', `reaches before ${kept}`);
  const stepMs = STEPS_MS.find((s) => (to - from) / s <= MAX_STEPS) ?? STEPS_MS[STEPS_MS.length - 1]!;
  return { from: Math.floor(from / stepMs) * stepMs, to: Math.ceil(to / stepMs) * stepMs, stepMs };
}

/**
 * Which spans the seed writes for a server: hourly spans for days older than
 * MINUTE_SPAN_DAYS and 60-second spans after (the 24-hour graph at full resolution), a
 * few minutes of which are now and then one gap span (readings missed, the total known
 * but not its spread). The unit of work is an hour of one server: it is written in one
 * ingest call or not at all, so "this hour already holds usage" is enough to resume.
 */
import { addCounters, Counters, UsageSpan, UsageSpanKind, ZERO_COUNTERS } from '@carve/metering';
import { DAY_MS, HOUR_MS, MINUTE_MS, ServerTraits, usageOver } from './usage-profiles';
import { uniform } from './seeded-random';

export const MINUTE_SPAN_DAYS = 2;

/** About one gap per server every day and a half; 3 to 15 minutes long, inside one hour. */
const GAP_CHANCE_PER_HOUR = 1 / 36;
const GAP_MIN_MINUTES = 3;
const GAP_MAX_MINUTES = 15;
const Draw = { Gap: 11, GapLength: 12, GapStart: 13 } as const;

export interface SeedWindow {
  /** The first hour seeded. */
  readonly start: number;
  /** 60-second spans from here on (an hour boundary). */
  readonly minutesFrom: number;
  /** Exclusive; an hour boundary. */
  readonly end: number;
}

export function seedWindow(end: number, days: number): SeedWindow {
  if (end % HOUR_MS !== 0) throw new RangeError(`the window must end on an hour, not at ${new Date(end).toISOString()}`);
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a whole number from 1, not ${days}`);
  const start = end - days * DAY_MS;
  return { start, minutesFrom: Math.max(start, end - MINUTE_SPAN_DAYS * DAY_MS), end };
}

/** Spans of one server over the window when no hour is skipped (a gap makes a few minutes one span, so a little fewer). */
export function spansInWindow(window: SeedWindow): number {
  return (window.minutesFrom - window.start) / HOUR_MS + (window.end - window.minutesFrom) / MINUTE_MS;
}

/** One hour of one server's usage, written together. */
export interface SeedHour {
  readonly hour: number;
  readonly spans: readonly UsageSpan[];
}

/** The server's hours in the window, oldest first, without those `skip` names (already written, or left to the collector). */
export function* seedHours(traits: ServerTraits, window: SeedWindow, skip: (hour: number) => boolean = () => false): Generator<SeedHour> {
  for (let hour = window.start; hour < window.end; hour += HOUR_MS) {
    if (skip(hour)) continue;
    yield { hour, spans: hour < window.minutesFrom ? [spanOf(traits, hour, hour + HOUR_MS, usageOver(traits, hour, hour + HOUR_MS), 'measured')] : minuteSpans(traits, hour) };
  }
}

/** Where in the hour readings were missed, if they were: first minute and length. */
export function gapIn(traits: ServerTraits, hour: number): { firstMinute: number; minutes: number } | undefined {
  const index = hour / HOUR_MS;
  if (uniform(traits.key, Draw.Gap, index) >= GAP_CHANCE_PER_HOUR) return undefined;
  const minutes = GAP_MIN_MINUTES + Math.floor(uniform(traits.key, Draw.GapLength, index) * (GAP_MAX_MINUTES - GAP_MIN_MINUTES + 1));
  return { firstMinute: Math.floor(uniform(traits.key, Draw.GapStart, index) * (61 - minutes)), minutes };
}

function minuteSpans(traits: ServerTraits, hour: number): UsageSpan[] {
  const gap = gapIn(traits, hour);
  const spans: UsageSpan[] = [];
  for (let minute = 0; minute < 60; minute += 1) {
    const from = hour + minute * MINUTE_MS;
    if (gap?.firstMinute === minute) {
      // What the missed readings would have counted, as one span: the total is right, its spread unknown.
      let usage: Counters = ZERO_COUNTERS;
      for (let m = 0; m < gap.minutes; m += 1) usage = addCounters(usage, usageOver(traits, from + m * MINUTE_MS, from + (m + 1) * MINUTE_MS));
      spans.push(spanOf(traits, from, from + gap.minutes * MINUTE_MS, usage, 'gap'));
      minute += gap.minutes - 1;
      continue;
    }
    spans.push(spanOf(traits, from, from + MINUTE_MS, usageOver(traits, from, from + MINUTE_MS), 'measured'));
  }
  return spans;
}

function spanOf(traits: ServerTraits, from: number, to: number, usage: Counters, kind: UsageSpanKind): UsageSpan {
  return { from, to, usage, memoryMiB: traits.memoryMiB, kind };
}

import { describe, expect, it } from '@jest/globals';
import { addCounters, DEFAULT_GAP_FACTOR, UsageSpan, USAGE_COUNTERS, ZERO_COUNTERS } from '@carve/metering';
import { CoveredHours, leaveAlone } from './existing-usage';
import { gapIn, MINUTE_SPAN_DAYS, seedHours, seedWindow, spansInWindow } from './span-plan';
import { DAY_MS, HOUR_MS, MINUTE_MS, traitsFor, usageOver } from './usage-profiles';

const END = Date.UTC(2026, 5, 1, 12);
const traits = traitsFor(1, { id: '3f1c1c53-3f0e-4d43-9a4b-2f3c2e1d7a10', vcpus: 2, memoryMiB: 2048 });

describe('seedWindow and seedHours', () => {
  it('writes hourly spans before the last two days and 60-second spans in them, covering the window once', () => {
    const window = seedWindow(END, 9);
    expect(window).toEqual({ start: END - 9 * DAY_MS, minutesFrom: END - MINUTE_SPAN_DAYS * DAY_MS, end: END });
    const spans = [...seedHours(traits, window)].flatMap((h) => h.spans);

    expect(spans[0]!.from).toBe(window.start);
    expect(spans[spans.length - 1]!.to).toBe(window.end);
    spans.slice(1).forEach((span, i) => expect(span.from).toBe(spans[i]!.to));
    const before = spans.filter((s) => s.from < window.minutesFrom);
    const after = spans.filter((s) => s.from >= window.minutesFrom);
    expect(before).toHaveLength(7 * 24);
    expect(before.every((s) => s.to - s.from === HOUR_MS && s.from % HOUR_MS === 0 && s.kind === 'measured')).toBe(true);
    expect(after.filter((s) => s.kind === 'measured').every((s) => s.to - s.from === MINUTE_MS)).toBe(true);
    expect(spans.length).toBeLessThanOrEqual(spansInWindow(window));
    expect(spans.every((s) => s.memoryMiB === 2048)).toBe(true);
  });

  it('has only 60-second spans when the window is two days or less', () => {
    const window = seedWindow(END, 1);
    expect(window.minutesFrom).toBe(window.start);
    expect([...seedHours(traits, window)].flatMap((h) => h.spans).every((s) => s.to - s.from <= 15 * MINUTE_MS)).toBe(true);
  });

  it('now and then merges a few minutes into one gap span that holds what those minutes would have counted', () => {
    const window = seedWindow(END, 2);
    // About one gap per server and day and a half: a dozen servers over two days have a dozen or two.
    const servers = Array.from({ length: 12 }, (_, i) => traitsFor(1, { id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, vcpus: 1, memoryMiB: 1024 }));
    const gaps = servers.flatMap((t) => [...seedHours(t, window)].flatMap((h) => h.spans.filter((s) => s.kind === 'gap').map((span) => ({ traits: t, hour: h.hour, span }))));

    expect(gaps.length).toBeGreaterThan(4);
    expect(gaps.length).toBeLessThan(40);
    for (const { traits, hour, span } of gaps) {
      expect(span.to - span.from).toBeGreaterThan(DEFAULT_GAP_FACTOR * MINUTE_MS);
      expect(span.from).toBeGreaterThanOrEqual(hour);
      expect(span.to).toBeLessThanOrEqual(hour + HOUR_MS);
      let sum = ZERO_COUNTERS;
      for (let at = span.from; at < span.to; at += MINUTE_MS) sum = addCounters(sum, usageOver(traits, at, at + MINUTE_MS));
      expect(span.usage).toEqual(sum);
      expect(gapIn(traits, hour)).toEqual({ firstMinute: (span.from - hour) / MINUTE_MS, minutes: (span.to - span.from) / MINUTE_MS });
    }
  });

  it('rejects a window that does not end on an hour', () => {
    expect(() => seedWindow(END + 1, 3)).toThrow(RangeError);
    expect(() => seedWindow(END, 0)).toThrow(RangeError);
  });
});

describe('leaving hours alone', () => {
  const window = seedWindow(END, 3);
  const hoursOf = (spans: readonly UsageSpan[]) => new Set(spans.map((s) => Math.floor(s.from / HOUR_MS) * HOUR_MS));

  it('skips hours that already hold usage, and every hour that ends after the collector last read the server', () => {
    const covered = new CoveredHours([
      [window.start, window.start + 5 * HOUR_MS],
      [window.minutesFrom + HOUR_MS, window.minutesFrom + 3 * HOUR_MS],
    ]);
    const meteredUntil = END - 90 * MINUTE_MS;
    const existing = { covered, meteredUntil };
    const written = hoursOf([...seedHours(traits, window, (h) => leaveAlone(existing, h))].flatMap((h) => h.spans));

    expect(written.size).toBe(72 - 5 - 2 - 2);
    for (const skipped of [window.start, window.start + 4 * HOUR_MS, window.minutesFrom + HOUR_MS, window.minutesFrom + 2 * HOUR_MS, END - 2 * HOUR_MS, END - HOUR_MS]) {
      expect(written.has(skipped)).toBe(false);
    }
    expect(written.has(window.start + 5 * HOUR_MS)).toBe(true);
    expect(written.has(END - 3 * HOUR_MS)).toBe(true);
  });

  it('finds hours in sorted ranges', () => {
    const covered = new CoveredHours([
      [0, 2 * HOUR_MS],
      [5 * HOUR_MS, 6 * HOUR_MS],
      [9 * HOUR_MS, 12 * HOUR_MS],
    ]);
    const hours = Array.from({ length: 13 }, (_, h) => h).filter((h) => covered.has(h * HOUR_MS));
    expect(hours).toEqual([0, 1, 5, 9, 10, 11]);
    expect(new CoveredHours([]).has(0)).toBe(false);
    expect(leaveAlone(undefined, 0)).toBe(false);
  });

  it('has every counter in its spans (ring-full counts only on io-heavy servers)', () => {
    const ioHeavy = traitsFor(1, { id: traits.serverId, vcpus: 2, memoryMiB: 2048 }, 'io-heavy');
    const zero = (t: typeof traits) => {
      const spans = [...seedHours(t, window)].flatMap((h) => h.spans);
      return USAGE_COUNTERS.filter((c) => spans.every((s) => s.usage[c] === 0));
    };
    expect(zero(ioHeavy)).toEqual([]);
    expect(zero({ ...ioHeavy, profile: 'web' })).toEqual(['ooRequests']);
  });
});

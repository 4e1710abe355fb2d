import { describe, expect, it } from '@jest/globals';
import { assertTimeZone, MIN_LABEL_SPACING_PX, timeTicks } from './time-ticks';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PLOT_PX = 800;

function labelled(from: number, to: number, timeZone = 'UTC', plotPx = PLOT_PX): string[] {
  const ticks = timeTicks(from, to, plotPx, timeZone);
  return ticks.labels.map((t) => ticks.format(t));
}

describe('timeTicks', () => {
  it('labels 24 hours every two hours, naming the day at midnight', () => {
    const from = Date.UTC(2025, 2, 10);
    expect(labelled(from, from + DAY)).toEqual([
      '10 Mar', '02:00', '04:00', '06:00', '08:00', '10:00', '12:00', '14:00', '16:00', '18:00', '20:00', '22:00', '11 Mar',
    ]);
    expect(timeTicks(from, from + DAY, PLOT_PX, 'UTC').ticks).toHaveLength(25);
  });

  it('starts a rolling 24 hours at the first whole step after it begins', () => {
    const from = Date.UTC(2025, 2, 10, 14, 5);
    expect(labelled(from, from + DAY).slice(0, 3)).toEqual(['16:00', '18:00', '20:00']);
  });

  it('labels 30 days every other day with a tick each midnight, and a calendar month from its first', () => {
    const to = Date.UTC(2025, 2, 10);
    const ticks = timeTicks(to - 30 * DAY, to, PLOT_PX, 'UTC');
    expect(ticks.ticks).toHaveLength(31);
    expect(ticks.labels.map((t) => ticks.format(t)).slice(0, 4)).toEqual(['8 Feb', '10 Feb', '12 Feb', '14 Feb']);
    expect(labelled(Date.UTC(2025, 1, 1), Date.UTC(2025, 2, 1))).toEqual([
      '1 Feb', '3 Feb', '5 Feb', '7 Feb', '9 Feb', '11 Feb', '13 Feb', '15 Feb', '17 Feb', '19 Feb', '21 Feb', '23 Feb', '25 Feb', '27 Feb', '1 Mar',
    ]);
  });

  it('keeps labels at least the minimum spacing apart at any width', () => {
    for (const plotPx of [200, 480, 800, 1800]) {
      for (const span of [HOUR, DAY, 7 * DAY, 31 * DAY, 365 * DAY]) {
        const from = Date.UTC(2025, 0, 1);
        const { labels } = timeTicks(from, from + span, plotPx, 'UTC');
        const gaps = labels.slice(1).map((t, i) => ((t - labels[i]) * plotPx) / span);
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_LABEL_SPACING_PX * 0.9);
      }
    }
  });

  it('labels a year by month', () => {
    expect(labelled(Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1))).toEqual([
      'Jan 2025', 'Feb 2025', 'Mar 2025', 'Apr 2025', 'May 2025', 'Jun 2025', 'Jul 2025', 'Aug 2025', 'Sep 2025', 'Oct 2025', 'Nov 2025', 'Dec 2025', 'Jan 2026',
    ]);
  });

  it('puts labels on local wall-clock hours in a zone with a half-hour offset', () => {
    const from = Date.UTC(2025, 2, 10, 18, 30); // midnight in Kolkata (+05:30)
    const ticks = timeTicks(from, from + DAY, PLOT_PX, 'Asia/Kolkata');
    expect(ticks.labels[0]).toBe(from);
    expect(ticks.format(ticks.labels[0])).toBe('11 Mar');
    expect(ticks.format(ticks.labels[1])).toBe('02:00');
  });

  it('follows a DST change: local midnights move by an hour in UTC, the skipped hour is not labelled', () => {
    const from = Date.UTC(2025, 2, 29, 23); // 30 Mar 00:00 CET; clocks go to CEST at 02:00
    const ticks = timeTicks(from, from + 23 * HOUR, PLOT_PX, 'Europe/Berlin');
    const labels = ticks.labels.map((t) => ticks.format(t));
    expect(labels.slice(0, 3)).toEqual(['30 Mar', '04:00', '06:00']);
    expect(labels.at(-1)).toBe('31 Mar');
    expect(ticks.labels.at(-1)).toBe(Date.UTC(2025, 2, 30, 22));
    const days = timeTicks(Date.UTC(2025, 2, 24, 23), Date.UTC(2025, 3, 7, 22), PLOT_PX, 'Europe/Berlin');
    expect(days.ticks.map((t) => new Date(t).getUTCHours())).toEqual([23, 23, 23, 23, 23, 23, ...Array<number>(9).fill(22)]);
    expect(days.ticks.map((t) => days.format(t)).slice(5, 8)).toEqual(['30 Mar', '31 Mar', '1 Apr']);
  });

  it('puts a midnight that DST skips at the end of the gap', () => {
    // Santiago went from 00:00 -04 straight to 01:00 -03 on 3 Sep 2023.
    const ticks = timeTicks(Date.UTC(2023, 7, 25), Date.UTC(2023, 8, 8), PLOT_PX, 'America/Santiago');
    const third = ticks.labels.find((t) => ticks.format(t) === '3 Sep');
    expect(third).toBe(Date.UTC(2023, 8, 3, 4));
  });

  it('refuses an empty axis and an unknown zone', () => {
    expect(() => timeTicks(10, 10, PLOT_PX, 'UTC')).toThrow(RangeError);
    expect(() => assertTimeZone('Mars/Olympus_Mons')).toThrow('unknown time zone "Mars/Olympus_Mons"');
    expect(() => assertTimeZone('Europe/Berlin')).not.toThrow();
  });
});

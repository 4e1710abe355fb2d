import { USAGE_COUNTERS, UsageCounter } from '../usage';
import { addCount, Count } from './exact-count';
import type { UsageBucket } from './usage-query';
import type { UsageWindow } from './usage-window';

export const USAGE_SERIES = [
  'cpuPercent',
  'readIops',
  'writeIops',
  'readBytesPerSecond',
  'writeBytesPerSecond',
  'msPerRequest',
  'netInBitsPerSecond',
  'netOutBitsPerSecond',
  'memoryMiB',
] as const;
export type UsageSeriesName = (typeof USAGE_SERIES)[number];

/** Totals over the window, exact: integers as strings, derived units as decimal strings (GB = 10^9 bytes). */
export interface UsageTotals {
  cpuSeconds: string;
  cpuHours: string;
  bytesRead: string;
  bytesWritten: string;
  gbRead: string;
  gbWritten: string;
  requests: string;
  millionRequests: string;
  bytesOut: string;
  bytesIn: string;
  gbOut: string;
  gbIn: string;
}

export interface UsageReport {
  from: string;
  to: string;
  stepSeconds: number;
  source: string;
  /** Bucket starts: one time axis shared by every series. */
  timestamps: string[];
  /** null where no reading covers the bucket (a gap), never zero. */
  series: Record<UsageSeriesName, (number | null)[]>;
  /** true where the bucket's usage comes mostly from a span across a collection gap (its spread is estimated). */
  estimated: boolean[];
  totals: UsageTotals;
}

/** numerator / denominator as a decimal with `places` digits, rounded half up; exact for any size. */
export function decimalRatio(numerator: bigint, denominator: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const scaled = (numerator * scale * 2n + denominator) / (denominator * 2n);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(places, '0');
  return places > 0 ? `${whole}.${fraction}` : `${whole}`;
}

function round(value: number, places = 3): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

export function usageTotals(totals: Record<UsageCounter, bigint>): UsageTotals {
  const requests = totals.readRequests + totals.writeRequests;
  return {
    cpuSeconds: decimalRatio(totals.cpuMs, 1000n, 3),
    cpuHours: decimalRatio(totals.cpuMs, 3_600_000n, 6),
    bytesRead: totals.readBytes.toString(),
    bytesWritten: totals.writeBytes.toString(),
    gbRead: decimalRatio(totals.readBytes, 1_000_000_000n, 6),
    gbWritten: decimalRatio(totals.writeBytes, 1_000_000_000n, 6),
    requests: requests.toString(),
    millionRequests: decimalRatio(requests, 1_000_000n, 6),
    bytesOut: totals.netOutBytes.toString(),
    bytesIn: totals.netInBytes.toString(),
    gbOut: decimalRatio(totals.netOutBytes, 1_000_000_000n, 6),
    gbIn: decimalRatio(totals.netInBytes, 1_000_000_000n, 6),
  };
}

const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * Date.prototype.toISOString for instants of one axis, without a Date per point (a
 * 24-hour graph has 1,441): the date part is formatted once per day.
 */
function isoFormatter(): (ms: number) => string {
  let day = Number.NaN;
  let prefix = '';
  return (ms) => {
    const d = Math.floor(ms / DAY_MS);
    if (d !== day || !(d >= 0 && d < 2_932_897)) {
      // Outside years 1970..9999 the Date's own format (signed years) is used.
      if (!(d >= 0 && d < 2_932_897)) return new Date(ms).toISOString();
      day = d;
      prefix = new Date(d * DAY_MS).toISOString().slice(0, 11);
    }
    const inDay = ms - d * DAY_MS;
    const millis = inDay % 1000;
    const seconds = Math.floor(inDay / 1000);
    return `${prefix}${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : millis}Z`;
  };
}

/** Every series on the window's full axis: buckets without readings become null. */
export function usageReport(window: UsageWindow, buckets: readonly UsageBucket[]): UsageReport {
  const slots = Math.max(0, Math.ceil((window.to - window.from) / window.stepMs));
  const bySlot = new Array<UsageBucket | undefined>(slots);
  for (const b of buckets) {
    const slot = (b.start - window.from) / window.stepMs;
    if (Number.isInteger(slot) && slot >= 0 && slot < slots) bySlot[slot] = b;
  }
  const isoOf = isoFormatter();
  const timestamps: string[] = [];
  const series = Object.fromEntries(USAGE_SERIES.map((s) => [s, [] as (number | null)[]])) as UsageReport['series'];
  const estimated: boolean[] = [];
  const totals = Object.fromEntries(USAGE_COUNTERS.map((c) => [c, 0])) as Record<UsageCounter, Count>;
  for (let start = window.from, slot = 0; start < window.to; start += window.stepMs, slot += 1) {
    timestamps.push(isoOf(start));
    const b = bySlot[slot];
    estimated.push(b?.estimated ?? false);
    if (!b) {
      for (const name of USAGE_SERIES) series[name].push(null);
      continue;
    }
    for (const c of USAGE_COUNTERS) totals[c] = addCount(totals[c], b.totals[c]);
    const requests = Number(addCount(b.totals.readRequests, b.totals.writeRequests));
    series.cpuPercent.push(round(b.cpuPercent, 2));
    series.readIops.push(round(b.readIops));
    series.writeIops.push(round(b.writeIops));
    series.readBytesPerSecond.push(round(b.readBytesPerSecond, 0));
    series.writeBytesPerSecond.push(round(b.writeBytesPerSecond, 0));
    series.msPerRequest.push(requests > 0 ? round(Number(addCount(b.totals.readTicksMs, b.totals.writeTicksMs)) / requests) : null);
    series.netInBitsPerSecond.push(round(b.netInBitsPerSecond, 0));
    series.netOutBitsPerSecond.push(round(b.netOutBitsPerSecond, 0));
    series.memoryMiB.push(round(b.memoryMiB, 0));
  }
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    stepSeconds: window.stepMs / 1000,
    source: window.source,
    timestamps,
    series,
    estimated,
    totals: usageTotals(Object.fromEntries(USAGE_COUNTERS.map((c) => [c, BigInt(totals[c])])) as Record<UsageCounter, bigint>),
  };
}

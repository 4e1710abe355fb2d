import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addCounters, assertCounters, USAGE_COUNTERS, ZERO_COUNTERS } from '@carve/metering';
import { seedHours, seedWindow } from './span-plan';
import { DAY_MS, HOUR_MS, loadOver, MAX_LATENCY_FACTOR, MINUTE_MS, PROFILE_NAMES, PROFILES, ProfileName, traitsFor, UPLINK_BYTES_PER_MS, usageOver } from './usage-profiles';

const T0 = Date.UTC(2026, 0, 5); // a Monday
const server = (i: number, vcpus = 2) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, vcpus, memoryMiB: 2048 });

const spanArb = fc.record({
  seed: fc.nat(),
  id: fc.uuid(),
  vcpus: fc.integer({ min: 1, max: 32 }),
  profile: fc.constantFrom(...PROFILE_NAMES),
  // Minute-aligned starts over two years; 60 s, a gap of a few minutes, or an hour.
  minute: fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }),
  minutes: fc.constantFrom(1, 3, 15, 60),
});

describe('usageOver', () => {
  it('keeps every counter consistent with the others, for every profile, size and span', () => {
    fc.assert(
      fc.property(spanArb, ({ seed, id, vcpus, profile, minute, minutes }) => {
        const traits = traitsFor(seed, { id, vcpus, memoryMiB: 1024 }, profile);
        const from = T0 + minute * MINUTE_MS;
        const ms = minutes * MINUTE_MS;
        const u = usageOver(traits, from, from + ms);
        const p = PROFILES[profile];

        expect(() => assertCounters(u, 'usage')).not.toThrow();
        expect(u.cpuMs).toBeLessThanOrEqual(vcpus * ms);
        expect(u.readBytes).toBe(u.readRequests * traits.readRequestBytes);
        expect(u.writeBytes).toBe(u.writeRequests * traits.writeRequestBytes);
        expect(traits.readRequestBytes % 4096).toBe(0);
        expect(traits.writeRequestBytes % 4096).toBe(0);
        expect(u.readTicksMs).toBeGreaterThanOrEqual(Math.floor(u.readRequests * p.readLatencyMs));
        expect(u.readTicksMs).toBeLessThanOrEqual(Math.ceil(u.readRequests * p.readLatencyMs * MAX_LATENCY_FACTOR));
        expect(u.writeTicksMs).toBeGreaterThanOrEqual(Math.floor(u.writeRequests * p.writeLatencyMs));
        expect(u.writeTicksMs).toBeLessThanOrEqual(Math.ceil(u.writeRequests * p.writeLatencyMs * MAX_LATENCY_FACTOR));
        expect(u.queueTicksMs).toBeGreaterThanOrEqual(u.readTicksMs + u.writeTicksMs);
        expect(u.ooRequests).toBeLessThanOrEqual(u.readRequests + u.writeRequests);
        expect(u.netOutBytes).toBeLessThanOrEqual(UPLINK_BYTES_PER_MS * ms);
        expect(u.netInBytes).toBeLessThanOrEqual(UPLINK_BYTES_PER_MS * ms);
      }),
      { numRuns: 500 },
    );
  });

  it('is the same for the same seed, server and span, and differs with another seed', () => {
    const hour = T0 + 20 * HOUR_MS;
    const a = usageOver(traitsFor(1, server(1)), hour, hour + MINUTE_MS);
    expect(usageOver(traitsFor(1, server(1)), hour, hour + MINUTE_MS)).toEqual(a);
    expect(usageOver(traitsFor(2, server(1), traitsFor(1, server(1)).profile), hour, hour + MINUTE_MS)).not.toEqual(a);
  });

  it('caps CPU at every vCPU busy the whole span, however heavy the load', () => {
    const busiest = Array.from({ length: 200 }, (_, i) => traitsFor(i, server(i, 4), 'cpu-bound')).sort((x, y) => y.scale - x.scale)[0]!;
    expect(busiest.scale).toBeGreaterThan(1.5);
    const hours = Array.from({ length: 24 * 7 }, (_, h) => usageOver(busiest, T0 + h * HOUR_MS, T0 + (h + 1) * HOUR_MS));
    expect(hours.some((u) => u.cpuMs === 4 * HOUR_MS)).toBe(true);
    expect(hours.every((u) => u.cpuMs <= 4 * HOUR_MS)).toBe(true);
  });

  it('lets only disk demand beyond what the disks deliver fill the ring (VBD_OO)', () => {
    const heavy = Array.from({ length: 100 }, (_, i) => traitsFor(i, server(i), 'io-heavy'));
    const week = (t: ReturnType<typeof traitsFor>) => Array.from({ length: 24 * 7 }, (_, h) => usageOver(t, T0 + h * HOUR_MS, T0 + (h + 1) * HOUR_MS));
    expect(heavy.flatMap(week).some((u) => u.ooRequests > 0)).toBe(true);
    for (const profile of PROFILE_NAMES.filter((p) => p !== 'io-heavy')) {
      expect(week(traitsFor(1, server(1), profile)).every((u) => u.ooRequests === 0)).toBe(true);
    }
  });
});

/** Mean load over the weeks from T0, by the server's local hour of day, weekdays and weekends apart. */
function meanLoad(profile: ProfileName, weeks: number) {
  const traits = { ...traitsFor(1, server(1), profile), utcOffsetMinutes: 0, scale: 1 };
  const byHour = (weekend: boolean) =>
    Array.from({ length: 24 }, (_, h) => {
      const days = Array.from({ length: weeks * 7 }, (_, d) => T0 + d * DAY_MS).filter((day) => [0, 6].includes(new Date(day).getUTCDay()) === weekend);
      return days.reduce((sum, day) => sum + loadOver(traits, day + h * HOUR_MS, day + (h + 1) * HOUR_MS), 0) / days.length;
    });
  return { weekday: byHour(false), weekend: byHour(true) };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('profile shapes', () => {
  it('gives web servers an evening peak well above the early morning', () => {
    const { weekday } = meanLoad('web', 8);
    const evening = mean(weekday.slice(19, 23));
    expect(evening).toBeGreaterThan(4 * mean(weekday.slice(3, 7)));
    expect(weekday.indexOf(Math.max(...weekday))).toBeGreaterThanOrEqual(19);
    expect(weekday.indexOf(Math.max(...weekday))).toBeLessThanOrEqual(22);
  });

  it.each(PROFILE_NAMES.map((p) => [p, PROFILES[p].weekend] as const))('scales %s at weekends by about its weekend factor (%s)', (profile, factor) => {
    const { weekday, weekend } = meanLoad(profile, 12);
    expect(mean(weekend) / mean(weekday)).toBeCloseTo(factor, 1);
  });

  it('keeps idle servers far below busy ones, and cpu-bound ones busiest on CPU', () => {
    const day = (profile: ProfileName) => {
      const traits = { ...traitsFor(1, server(1), profile), scale: 1 };
      return Array.from({ length: 24 }, (_, h) => usageOver(traits, T0 + h * HOUR_MS, T0 + (h + 1) * HOUR_MS)).reduce(addCounters, ZERO_COUNTERS);
    };
    expect(day('idle').cpuMs * 10).toBeLessThan(day('web').cpuMs);
    expect(day('idle').netOutBytes * 100).toBeLessThan(day('web').netOutBytes);
    expect(PROFILE_NAMES.every((p) => day(p).cpuMs <= day('cpu-bound').cpuMs)).toBe(true);
    expect(PROFILE_NAMES.every((p) => day(p).netOutBytes <= day('network-heavy').netOutBytes)).toBe(true);
    expect(PROFILE_NAMES.every((p) => day(p).writeRequests <= day('io-heavy').writeRequests)).toBe(true);
  });

  it('spreads servers over the profiles by their shares', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i += 1) {
      const { profile } = traitsFor(7, server(i));
      counts.set(profile, (counts.get(profile) ?? 0) + 1);
    }
    for (const profile of PROFILE_NAMES) expect((counts.get(profile) ?? 0) / 5000).toBeCloseTo(PROFILES[profile].share, 1);
  });

  it('varies from minute to minute with noise, never enough to turn a peak into a trough', () => {
    const traits = { ...traitsFor(3, server(3), 'web'), utcOffsetMinutes: 0 };
    const peak = T0 + 20 * HOUR_MS;
    const minutes = Array.from({ length: 60 }, (_, m) => loadOver(traits, peak + m * MINUTE_MS, peak + (m + 1) * MINUTE_MS));
    expect(new Set(minutes).size).toBe(60);
    expect(Math.min(...minutes)).toBeGreaterThan(loadOver(traits, T0 + 4 * HOUR_MS, T0 + 5 * HOUR_MS));
  });
});

describe('seedHours determinism', () => {
  it('gives an hour the same spans whether written alone or as part of the whole window', () => {
    const traits = traitsFor(5, server(5));
    const window = seedWindow(T0 + 10 * DAY_MS, 4);
    const all = [...seedHours(traits, window)];
    for (const picked of [all[3]!, all[all.length - 7]!]) {
      const alone = [...seedHours(traits, window, (hour) => hour !== picked.hour)];
      expect(alone).toEqual([picked]);
    }
    expect(USAGE_COUNTERS.every((c) => all.some((h) => h.spans.some((s) => s.usage[c] > 0)))).toBe(true);
  });
});

import { advanceCounters } from './counter-deltas';
import { countersOf, Counters, ZERO_COUNTERS } from './usage-counters';
import { UsageInputError } from './usage-input.error';
import { DomainReading } from './usage-span';

const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
const MINUTE = 60_000;
const options = { intervalMs: MINUTE };

function counters(values: Partial<Counters>): Counters {
  return { ...ZERO_COUNTERS, ...values };
}

function reading(at: number, values: Partial<Counters>, domid = 7, memoryMiB = 1024): DomainReading {
  return { domid, at, counters: counters(values), memoryMiB };
}

describe('advanceCounters', () => {
  it('counts the difference between two readings of the same domain', () => {
    const previous = reading(T0, { cpuMs: 10_000, readBytes: 4096, netOutBytes: 100 });
    const next = reading(T0 + MINUTE, { cpuMs: 12_500, readBytes: 8192, netOutBytes: 100 }, 7, 2048);

    expect(advanceCounters(previous, next, options)).toEqual({
      duplicate: false,
      span: { from: T0, to: T0 + MINUTE, usage: counters({ cpuMs: 2500, readBytes: 4096 }), memoryMiB: 2048, kind: 'measured' },
    });
  });

  it('counts a rebooted domain (new domid) from zero and records the loss, never a negative or giant delta', () => {
    const previous = reading(T0, { cpuMs: 9_000_000, readBytes: 5_000_000_000, netInBytes: 70_000 }, 7);
    const next = reading(T0 + MINUTE, { cpuMs: 3_000, readBytes: 1_000_000, netInBytes: 90_000 }, 8);

    const result = advanceCounters(previous, next, options);

    expect(result.span?.usage).toEqual(counters({ cpuMs: 3_000, readBytes: 1_000_000, netInBytes: 90_000 }));
    expect(result.loss).toEqual({ from: T0, to: T0 + MINUTE, reason: 'domain-restarted' });
  });

  it('counts a counter that went down under the same domid from zero, and the others as differences', () => {
    // A vif reconnected: its byte counters restarted, CPU and the disks kept counting.
    const previous = reading(T0, { cpuMs: 50_000, readBytes: 4096, netOutBytes: 1_000_000, netInBytes: 2_000_000 });
    const next = reading(T0 + MINUTE, { cpuMs: 51_000, readBytes: 8192, netOutBytes: 300, netInBytes: 2_000_500 });

    const result = advanceCounters(previous, next, options);

    expect(result.span?.usage).toEqual(counters({ cpuMs: 1_000, readBytes: 4096, netOutBytes: 300, netInBytes: 500 }));
    expect(result.loss).toEqual({ from: T0, to: T0 + MINUTE, reason: 'counter-reset' });
  });

  it('counts every counter from zero when CPU time went down under the same domid (restarted with a fixed domid)', () => {
    const previous = reading(T0, { cpuMs: 50_000, readBytes: 4096 });
    const next = reading(T0 + MINUTE, { cpuMs: 800, readBytes: 9000 });

    const result = advanceCounters(previous, next, options);

    expect(result.span?.usage).toEqual(counters({ cpuMs: 800, readBytes: 9000 }));
    expect(result.loss?.reason).toBe('counter-reset');
  });

  it('counts nothing for the same reading delivered twice or an older one replayed', () => {
    const previous = reading(T0 + MINUTE, { cpuMs: 5000 });

    expect(advanceCounters(previous, reading(T0 + MINUTE, { cpuMs: 5000 }), options)).toEqual({ duplicate: true });
    expect(advanceCounters(previous, reading(T0, { cpuMs: 4000 }), options)).toEqual({ duplicate: true });
    expect(advanceCounters(previous, reading(T0, { cpuMs: 1 }, 9), options)).toEqual({ duplicate: true });
  });

  it('makes one gap span of a 10-minute gap at a 60 s interval, with no zeros invented and no spike after', () => {
    const readings = [
      reading(T0, { cpuMs: 1000, writeBytes: 0 }),
      reading(T0 + MINUTE, { cpuMs: 2000, writeBytes: 100 }),
      reading(T0 + 11 * MINUTE, { cpuMs: 12_000, writeBytes: 1100 }),
      reading(T0 + 12 * MINUTE, { cpuMs: 13_000, writeBytes: 1200 }),
    ];

    const spans = readings.slice(1).map((next, i) => advanceCounters(readings[i], next, options).span);

    expect(spans).toEqual([
      { from: T0, to: T0 + MINUTE, usage: counters({ cpuMs: 1000, writeBytes: 100 }), memoryMiB: 1024, kind: 'measured' },
      { from: T0 + MINUTE, to: T0 + 11 * MINUTE, usage: counters({ cpuMs: 10_000, writeBytes: 1000 }), memoryMiB: 1024, kind: 'gap' },
      { from: T0 + 11 * MINUTE, to: T0 + 12 * MINUTE, usage: counters({ cpuMs: 1000, writeBytes: 100 }), memoryMiB: 1024, kind: 'measured' },
    ]);
  });

  it('calls readings more than gapFactor intervals apart a gap, and exactly gapFactor intervals measured', () => {
    const previous = reading(T0, {});
    const at = (ms: number) => advanceCounters(previous, reading(T0 + ms, {}), options).span?.kind;

    expect(at(150_000)).toBe('measured');
    expect(at(150_001)).toBe('gap');
    expect(advanceCounters(previous, reading(T0 + 150_001, {}), { intervalMs: MINUTE, gapFactor: 3 }).span?.kind).toBe('measured');
  });

  it("counts a domain's first reading in full, from the host's previous collection", () => {
    const next = reading(T0 + 2 * MINUTE, { cpuMs: 700, writeRequests: 12 });

    expect(advanceCounters(undefined, next, { intervalMs: MINUTE, previousHostReadingAt: T0 + MINUTE + 500 })).toEqual({
      duplicate: false,
      span: { from: T0 + MINUTE + 500, to: T0 + 2 * MINUTE, usage: next.counters, memoryMiB: 1024, kind: 'measured' },
    });
  });

  it("starts a first reading one interval back when the host's previous collection is unknown or not earlier", () => {
    const next = reading(T0, { cpuMs: 700 });

    expect(advanceCounters(undefined, next, options).span).toMatchObject({ from: T0 - MINUTE, to: T0, usage: next.counters });
    expect(advanceCounters(undefined, next, { intervalMs: MINUTE, previousHostReadingAt: T0 }).span?.from).toBe(T0 - MINUTE);
  });

  it('is exact for counters near 2^53', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const previous = reading(T0, { readBytes: max - 10, cpuMs: max - 1 });

    expect(advanceCounters(previous, reading(T0 + MINUTE, { readBytes: max, cpuMs: max }), options).span?.usage).toEqual(counters({ readBytes: 10, cpuMs: 1 }));
    expect(advanceCounters(previous, reading(T0 + MINUTE, { readBytes: 5, cpuMs: 3 }, 8), options).span?.usage).toEqual(counters({ readBytes: 5, cpuMs: 3 }));
    expect(advanceCounters(undefined, reading(T0, { readBytes: max }), options).span?.usage.readBytes).toBe(max);
  });

  it.each([
    ['a fraction', 1.5],
    ['a negative number', -1],
    ['2^53', 2 ** 53],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '12' as unknown as number],
  ])('rejects a counter that is %s', (_what, value) => {
    const bad = reading(T0 + MINUTE, { queueTicksMs: value });

    expect(() => advanceCounters(reading(T0, {}), bad, options)).toThrow(new UsageInputError('next.counters.queueTicksMs', `${String(value)} is not a non-negative integer below 2^53`));
    expect(() => advanceCounters(bad, reading(T0 + 2 * MINUTE, {}), options)).toThrow(UsageInputError);
  });

  it('rejects a missing or unknown counter instead of reading it as zero', () => {
    const { ooRequests: _dropped, ...missing } = countersOf(() => 1);
    const extra = { ...countersOf(() => 1), netOutPackets: 3 };

    expect(() => advanceCounters(undefined, { domid: 1, at: T0, memoryMiB: 1, counters: missing as Counters }, options)).toThrow(
      expect.objectContaining({ code: 'METERING_INVALID_INPUT', field: 'next.counters.ooRequests' }),
    );
    expect(() => advanceCounters(undefined, { domid: 1, at: T0, memoryMiB: 1, counters: extra }, options)).toThrow(
      expect.objectContaining({ field: 'next.counters.netOutPackets' }),
    );
  });

  it('rejects a bad instant, domid, memory or option', () => {
    expect(() => advanceCounters(undefined, { ...reading(T0, {}), at: T0 + 0.5 }, options)).toThrow(expect.objectContaining({ field: 'next.at' }));
    expect(() => advanceCounters(undefined, reading(T0, {}, -1), options)).toThrow(expect.objectContaining({ field: 'next.domid' }));
    expect(() => advanceCounters(undefined, reading(T0, {}, 1, 0.5), options)).toThrow(expect.objectContaining({ field: 'next.memoryMiB' }));
    expect(() => advanceCounters(undefined, reading(T0, {}), { intervalMs: 0 })).toThrow(expect.objectContaining({ field: 'options.intervalMs' }));
    expect(() => advanceCounters(undefined, reading(T0, {}), { intervalMs: MINUTE, gapFactor: Number.NaN })).toThrow(
      expect.objectContaining({ field: 'options.gapFactor' }),
    );
    expect(() => advanceCounters(undefined, reading(T0, {}), { intervalMs: MINUTE, previousHostReadingAt: 1.5 })).toThrow(
      expect.objectContaining({ field: 'options.previousHostReadingAt' }),
    );
  });
});

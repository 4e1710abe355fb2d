import { splitAt, splitAtBuckets } from './split-spans';
import { countersOf, Counters, USAGE_COUNTERS, ZERO_COUNTERS } from './usage-counters';
import { UsageSpan } from './usage-span';

const at = (time: string) => Date.parse(`2025-03-01T${time}Z`);

function span(from: number, to: number, usage: Partial<Counters>, kind: UsageSpan['kind'] = 'measured'): UsageSpan {
  return { from, to, usage: { ...ZERO_COUNTERS, ...usage }, memoryMiB: 2048, kind };
}

function sums(pieces: readonly UsageSpan[]): Counters {
  return countersOf((counter) => pieces.reduce((sum, piece) => sum + piece.usage[counter], 0));
}

describe('splitAtBuckets', () => {
  it('cuts a 60 s span crossing :05 in two, the odd unit to the earlier half on a tie', () => {
    const pieces = splitAtBuckets(span(at('12:04:30'), at('12:05:30'), { cpuMs: 7, readBytes: 4096, netInBytes: 1 }));

    expect(pieces).toEqual([
      span(at('12:04:30'), at('12:05:00'), { cpuMs: 4, readBytes: 2048, netInBytes: 1 }),
      span(at('12:05:00'), at('12:05:30'), { cpuMs: 3, readBytes: 2048, netInBytes: 0 }),
    ]);
  });

  it('apportions by the time each piece covers', () => {
    const pieces = splitAtBuckets(span(at('12:04:15'), at('12:05:15'), { writeBytes: 1000 }));

    expect(pieces.map((piece) => piece.usage.writeBytes)).toEqual([750, 250]);
  });

  it('cuts a 2-hour gap into 25 pieces, one per 5-minute bucket it touches, that add up exactly', () => {
    const usage = countersOf((counter) => 1_000_003 + USAGE_COUNTERS.indexOf(counter));
    const gap = { ...span(at('10:02:30'), at('12:02:30'), {}, 'gap'), usage };

    const pieces = splitAtBuckets(gap);

    expect(pieces).toHaveLength(25);
    expect(pieces[0]).toMatchObject({ from: at('10:02:30'), to: at('10:05:00'), kind: 'gap', memoryMiB: 2048 });
    expect(pieces[24]).toMatchObject({ from: at('12:00:00'), to: at('12:02:30'), kind: 'gap' });
    expect(pieces.every((piece) => Math.floor(piece.from / 300_000) === Math.floor((piece.to - 1) / 300_000))).toBe(true);
    expect(sums(pieces)).toEqual(usage);
    // 1_000_003 over 48 half-buckets: each full bucket 41_666 or 41_667, each half 20_833 or 20_834.
    expect(pieces.slice(1, 24).every((piece) => Math.abs(piece.usage.cpuMs - 1_000_003 / 24) < 1)).toBe(true);
  });

  it('leaves a span inside one bucket whole, including one that starts on a boundary', () => {
    const inside = span(at('12:05:00'), at('12:10:00'), { cpuMs: 5 });

    expect(splitAtBuckets(inside)).toEqual([inside]);
    expect(splitAtBuckets(inside)[0]).not.toBe(inside);
  });

  it('cuts at hours and days too', () => {
    expect(splitAtBuckets(span(at('23:30:00'), Date.parse('2025-03-02T00:30:00Z'), { cpuMs: 3 }), 86_400_000).map((p) => p.usage.cpuMs)).toEqual([2, 1]);
    expect(splitAtBuckets(span(at('10:59:00'), at('11:01:00'), {}), 3_600_000)).toHaveLength(2);
  });

  it('stays exact when a counter near 2^53 is apportioned over a long span', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const pieces = splitAtBuckets(span(at('00:00:01'), Date.parse('2025-03-31T00:00:00Z'), { readBytes: max, writeBytes: max - 1 }, 'gap'));

    expect(pieces.length).toBeGreaterThan(8000);
    const total = (counter: 'readBytes' | 'writeBytes') => pieces.reduce((sum, piece) => sum + BigInt(piece.usage[counter]), 0n);
    expect(total('readBytes')).toBe(BigInt(max));
    expect(total('writeBytes')).toBe(BigInt(max - 1));
    expect(pieces.every((piece) => piece.usage.readBytes >= 0)).toBe(true);
  });

  it('rejects an empty span and a bucket that is not a positive whole number of ms', () => {
    expect(() => splitAtBuckets(span(at('12:00:00'), at('12:00:00'), {}))).toThrow(expect.objectContaining({ code: 'METERING_INVALID_INPUT', field: 'span.to' }));
    expect(() => splitAtBuckets(span(at('12:00:00'), at('12:01:00'), {}), 0)).toThrow(expect.objectContaining({ field: 'bucketMs' }));
    expect(() => splitAtBuckets(span(at('12:00:00'), at('12:01:00'), {}), 0.5)).toThrow(expect.objectContaining({ field: 'bucketMs' }));
    expect(() => splitAtBuckets(span(at('12:00:00'), at('12:01:00'), { cpuMs: -1 }))).toThrow(expect.objectContaining({ field: 'span.usage.cpuMs' }));
    expect(() => splitAtBuckets({ ...span(at('12:00:00'), at('12:01:00'), {}), kind: 'estimated' as 'gap' })).toThrow(expect.objectContaining({ field: 'span.kind' }));
  });
});

describe('splitAt', () => {
  it("cuts at a month's start in a time zone (Europe/Berlin, UTC+1 in winter)", () => {
    const berlinMarch = Date.parse('2025-03-01T00:00:00+01:00');
    const gap = span(Date.parse('2025-02-28T22:00:00Z'), Date.parse('2025-02-28T23:30:00Z'), { netOutBytes: 3_000_001 }, 'gap');

    const pieces = splitAt(gap, [berlinMarch]);

    expect(pieces).toEqual([
      span(Date.parse('2025-02-28T22:00:00Z'), berlinMarch, { netOutBytes: 2_000_001 }, 'gap'),
      span(berlinMarch, Date.parse('2025-02-28T23:30:00Z'), { netOutBytes: 1_000_000 }, 'gap'),
    ]);
  });

  it('ignores instants outside the span or on its ends, repeats, and order', () => {
    const whole = span(at('12:00:00'), at('12:03:00'), { cpuMs: 3 });

    expect(splitAt(whole, [at('12:03:00'), at('12:00:00'), at('13:00:00'), 0]).map((p) => p.usage.cpuMs)).toEqual([3]);
    expect(splitAt(whole, [at('12:02:00'), at('12:01:00'), at('12:02:00')]).map((p) => [p.from, p.to, p.usage.cpuMs])).toEqual([
      [at('12:00:00'), at('12:01:00'), 1],
      [at('12:01:00'), at('12:02:00'), 1],
      [at('12:02:00'), at('12:03:00'), 1],
    ]);
  });

  it('gives the same pieces as bucketing when cut at the same instants, and rejects a fractional instant', () => {
    const gap = span(at('10:02:30'), at('10:17:30'), { cpuMs: 1001 }, 'gap');

    expect(splitAt(gap, [at('10:05:00'), at('10:10:00'), at('10:15:00')])).toEqual(splitAtBuckets(gap));
    expect(() => splitAt(gap, [at('10:05:00'), 1.5])).toThrow(expect.objectContaining({ field: 'instants.1' }));
  });
});

import fc from 'fast-check';

import { splitAt, splitAtBuckets } from './split-spans';
import { USAGE_COUNTERS, UsageCounter } from './usage-counters';
import { UsageSpan } from './usage-span';

const FIVE_MINUTES = 300_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const count = fc.oneof(fc.constant(0), fc.nat(1000), fc.nat(), fc.maxSafeNat(), fc.integer({ min: Number.MAX_SAFE_INTEGER - 1000, max: Number.MAX_SAFE_INTEGER }));
const counters = fc.record(Object.fromEntries(USAGE_COUNTERS.map((c) => [c, count])) as Record<UsageCounter, fc.Arbitrary<number>>);
const duration = fc.oneof(fc.integer({ min: 1, max: 2 * FIVE_MINUTES }), fc.integer({ min: 1, max: 3 * DAY }));
const span = fc
  .record({ from: fc.integer({ min: -2 * DAY, max: 4e12 }), duration, usage: counters, memoryMiB: fc.nat(1 << 20), kind: fc.constantFrom('measured' as const, 'gap' as const) })
  .map(({ from, duration, ...rest }): UsageSpan => ({ from, to: from + duration, ...rest }));

type Totals = Record<UsageCounter, bigint>;
const totalsOf = (spans: readonly UsageSpan[]): Totals =>
  Object.fromEntries(USAGE_COUNTERS.map((c) => [c, spans.reduce((sum, s) => sum + BigInt(s.usage[c]), 0n)])) as Totals;

/** Pieces are integers, none negative, contiguous over [from, to), each within one unit of its exact share; everything else copied. */
function expectFaithfulPieces(whole: UsageSpan, pieces: readonly UsageSpan[]): void {
  expect(totalsOf(pieces)).toEqual(totalsOf([whole]));
  const span = BigInt(whole.to - whole.from);
  const faults: string[] = [];
  pieces.forEach((piece, i) => {
    const from = i === 0 ? whole.from : pieces[i - 1].to;
    if (piece.from !== from || piece.to <= piece.from) faults.push(`piece ${i} is [${piece.from}, ${piece.to}), expected to start at ${from}`);
    if (piece.kind !== whole.kind || piece.memoryMiB !== whole.memoryMiB) faults.push(`piece ${i} changed kind or memory`);
    for (const c of USAGE_COUNTERS) {
      const value = piece.usage[c];
      const error = BigInt(value) * span - BigInt(whole.usage[c]) * BigInt(piece.to - piece.from);
      if (!Number.isSafeInteger(value) || value < 0 || error >= span || -error >= span) faults.push(`piece ${i} ${c} = ${value}`);
    }
  });
  if (pieces[pieces.length - 1]?.to !== whole.to) faults.push(`the pieces end at ${pieces[pieces.length - 1]?.to}, not ${whole.to}`);
  expect(faults).toEqual([]);
}

const bucketOf = (at: number, bucketMs: number) => at - (((at % bucketMs) + bucketMs) % bucketMs);

describe('splitAtBuckets and splitAt (properties)', () => {
  it('splitting any span at bucket boundaries keeps every sum, makes no negative piece, and covers [from, to) one bucket per piece', () => {
    const bucketMs = fc.oneof(fc.constantFrom(FIVE_MINUTES, HOUR, DAY), fc.integer({ min: 1, max: DAY }));
    fc.assert(
      fc.property(span, bucketMs, (whole, size) => {
        fc.pre((whole.to - whole.from) / size < 5000);
        const pieces = splitAtBuckets(whole, size);

        expectFaithfulPieces(whole, pieces);
        expect(pieces.filter((piece) => bucketOf(piece.from, size) !== bucketOf(piece.to - 1, size))).toEqual([]);
        expect(pieces).toHaveLength(Math.floor((bucketOf(whole.to - 1, size) - bucketOf(whole.from, size)) / size) + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('splitting any span at any instants keeps every sum and cuts exactly at the instants inside it', () => {
    const instantsFor = (whole: UsageSpan) =>
      fc.array(fc.oneof(fc.integer({ min: whole.from, max: whole.to }), fc.integer({ min: whole.from - DAY, max: whole.to + DAY })), { maxLength: 40 });
    fc.assert(
      fc.property(
        span.chain((whole) => fc.tuple(fc.constant(whole), instantsFor(whole))),
        ([whole, instants]) => {
          const pieces = splitAt(whole, instants);

          expectFaithfulPieces(whole, pieces);
          const inside = [...new Set(instants.filter((at) => at > whole.from && at < whole.to))].sort((a, b) => a - b);
          expect(pieces.slice(1).map((piece) => piece.from)).toEqual(inside);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a sequence of spans re-summed per bucket has the same totals at 5 minutes, an hour and a day, and fine buckets roll up exactly into coarse ones', () => {
    const sequence = fc
      .record({
        start: fc.integer({ min: 1.6e12, max: 1.9e12 }),
        parts: fc.array(fc.record({ duration: fc.oneof(fc.integer({ min: 1, max: 2 * FIVE_MINUTES }), fc.integer({ min: 1, max: 30 * HOUR })), usage: counters, kind: fc.constantFrom('measured' as const, 'gap' as const) }), { minLength: 1, maxLength: 12 }),
      })
      .map(({ start, parts }) => {
        let from = start;
        return parts.map(({ duration: ms, usage, kind }): UsageSpan => {
          const s = { from, to: from + ms, usage, memoryMiB: 512, kind };
          from += ms;
          return s;
        });
      });
    const perBucket = (spans: readonly UsageSpan[], split: (s: UsageSpan) => UsageSpan[], bucket: (at: number) => number) => {
      const sums = new Map<number, Totals>();
      for (const piece of spans.flatMap(split)) {
        const key = bucket(piece.from);
        const sum = sums.get(key) ?? (Object.fromEntries(USAGE_COUNTERS.map((c) => [c, 0n])) as Totals);
        for (const c of USAGE_COUNTERS) sum[c] += BigInt(piece.usage[c]);
        sums.set(key, sum);
      }
      return sums;
    };
    const sumAll = (sums: Map<number, Totals>) =>
      Object.fromEntries(USAGE_COUNTERS.map((c) => [c, [...sums.values()].reduce((total, s) => total + s[c], 0n)])) as Totals;

    fc.assert(
      fc.property(sequence, (spans) => {
        const fine = perBucket(spans, (s) => splitAtBuckets(s, FIVE_MINUTES), (at) => bucketOf(at, FIVE_MINUTES));
        const hourly = perBucket(spans, (s) => splitAtBuckets(s, HOUR), (at) => bucketOf(at, HOUR));
        const daily = perBucket(spans, (s) => splitAtBuckets(s, DAY), (at) => bucketOf(at, DAY));

        const total = totalsOf(spans);
        expect(sumAll(fine)).toEqual(total);
        expect(sumAll(hourly)).toEqual(total);
        expect(sumAll(daily)).toEqual(total);
        // Rolled up from 5-minute pieces, each hour and day is what splitting at it directly gives.
        expect(perBucket(spans, (s) => splitAtBuckets(s, FIVE_MINUTES), (at) => bucketOf(at, HOUR))).toEqual(hourly);
        expect(perBucket(spans, (s) => splitAtBuckets(s, HOUR), (at) => bucketOf(at, DAY))).toEqual(daily);
      }),
      { numRuns: 100 },
    );
  });

  it("5-minute pieces re-summed on either side of any 5-minute-aligned instant (a month's start in a zone) equal a split at that instant", () => {
    fc.assert(
      fc.property(span, fc.integer({ min: -10_000, max: 10_000 }), (whole, step) => {
        fc.pre((whole.to - whole.from) / FIVE_MINUTES < 2000);
        const boundary = bucketOf(whole.from, FIVE_MINUTES) + step * FIVE_MINUTES;
        const [before, after] = [(s: UsageSpan) => s.to <= boundary, (s: UsageSpan) => s.from >= boundary];
        const fine = splitAtBuckets(whole, FIVE_MINUTES);
        const direct = splitAt(whole, [boundary]);

        expect(totalsOf(fine.filter(before))).toEqual(totalsOf(direct.filter(before)));
        expect(totalsOf(fine.filter(after))).toEqual(totalsOf(direct.filter(after)));
      }),
      { numRuns: 300 },
    );
  });
});

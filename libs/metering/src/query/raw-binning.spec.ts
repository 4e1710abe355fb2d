import fc from 'fast-check';
import { splitAtBuckets, USAGE_COUNTERS, UsageSpan } from '../usage';
import { binSpan, ServerBucket } from './raw-binning';

const STEP = 60_000;

/** What the graph query did before binSpan: every piece of splitAtBuckets in the window, summed per bucket in BigInt. */
function viaSplit(spans: UsageSpan[], from: number, to: number): Map<number, { counters: bigint[]; coveredMs: number; estimatedMs: number; memoryMibMs: number }> {
  const out = new Map<number, { counters: bigint[]; coveredMs: number; estimatedMs: number; memoryMibMs: number }>();
  for (const span of spans) {
    for (const piece of splitAtBuckets(span, STEP)) {
      if (piece.from < from || piece.from >= to) continue;
      const start = Math.floor(piece.from / STEP) * STEP;
      let b = out.get(start);
      if (!b) out.set(start, (b = { counters: USAGE_COUNTERS.map(() => 0n), coveredMs: 0, estimatedMs: 0, memoryMibMs: 0 }));
      USAGE_COUNTERS.forEach((c, i) => (b.counters[i]! += BigInt(piece.usage[c])));
      const d = piece.to - piece.from;
      b.coveredMs += d;
      if (piece.kind === 'gap') b.estimatedMs += d;
      b.memoryMibMs += piece.memoryMiB * d;
    }
  }
  return out;
}

function viaBin(spans: UsageSpan[], from: number, to: number) {
  const buckets: (ServerBucket | undefined)[] = [];
  for (const s of spans) binSpan(buckets, { from: s.from, to: s.to, gap: s.kind === 'gap', memoryMiB: s.memoryMiB, counters: USAGE_COUNTERS.map((c) => s.usage[c]) }, from, to, STEP);
  return new Map(
    buckets.filter((b): b is ServerBucket => b !== undefined).map((b) => [b.start, { counters: b.counters.map((v) => BigInt(v)), coveredMs: b.coveredMs, estimatedMs: b.estimatedMs, memoryMibMs: b.memoryMibMs }]),
  );
}

describe('binSpan', () => {
  it('gives exactly the buckets of splitAtBuckets, to the unit, for any spans and window', () => {
    const base = Date.UTC(2026, 10, 1);
    const counter = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000 }), fc.maxSafeInteger().map((v) => Math.abs(v)));
    const span = fc
      .record({
        from: fc.integer({ min: 0, max: 6 * 3_600_000 }),
        length: fc.oneof(fc.integer({ min: 1, max: 180_000 }), fc.integer({ min: 1, max: 6 * 3_600_000 })),
        gap: fc.boolean(),
        memoryMiB: fc.integer({ min: 0, max: 1 << 20 }),
        counters: fc.array(counter, { minLength: USAGE_COUNTERS.length, maxLength: USAGE_COUNTERS.length }),
      })
      .map(
        (s): UsageSpan => ({
          from: base + s.from,
          to: base + s.from + s.length,
          kind: s.gap ? 'gap' : 'measured',
          memoryMiB: s.memoryMiB,
          usage: Object.fromEntries(USAGE_COUNTERS.map((c, i) => [c, s.counters[i]!])) as UsageSpan['usage'],
        }),
      );
    fc.assert(
      fc.property(fc.array(span, { maxLength: 6 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 600 }), (spans, startMinute, minutes) => {
        const from = base + startMinute * STEP;
        const to = from + minutes * STEP;
        expect(viaBin(spans, from, to)).toEqual(viaSplit(spans, from, to));
      }),
      { numRuns: 200 },
    );
  });

  it('sums counters past 2^53 exactly as bigints', () => {
    const buckets: (ServerBucket | undefined)[] = [];
    const counters = USAGE_COUNTERS.map(() => Number.MAX_SAFE_INTEGER);
    binSpan(buckets, { from: 0, to: STEP, gap: false, memoryMiB: 1, counters }, 0, STEP, STEP);
    binSpan(buckets, { from: 0, to: STEP, gap: false, memoryMiB: 1, counters }, 0, STEP, STEP);
    expect(buckets[0]!.counters).toEqual(USAGE_COUNTERS.map(() => 2n * BigInt(Number.MAX_SAFE_INTEGER)));
  });
});

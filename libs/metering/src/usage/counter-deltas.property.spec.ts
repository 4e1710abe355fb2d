import fc from 'fast-check';

import { advanceCounters } from './counter-deltas';
import { addCounters, countersOf, Counters, USAGE_COUNTERS, ZERO_COUNTERS } from './usage-counters';
import { DomainReading, UsageLoss, UsageSpan } from './usage-span';

const INTERVAL_MS = 60_000;
const GAP_FACTOR = 2.5;
const T0 = Date.UTC(2025, 0, 1);

const subtract = (a: Counters, b: Counters): Counters => countersOf((counter) => a[counter] - b[counter]);

/** What one domain does over time, and when carve reads it. */
type Step =
  | { readonly kind: 'run'; readonly ms: number; readonly use: Counters }
  | { readonly kind: 'restart'; readonly ms: number; readonly beforeRestart: Counters; readonly afterRestart: Counters }
  | { readonly kind: 'read' }
  | { readonly kind: 'replay'; readonly back: number };

const use = fc.record(Object.fromEntries(USAGE_COUNTERS.map((c) => [c, fc.oneof(fc.constant(0), fc.nat(1_000_000_000))])) as Record<keyof Counters, fc.Arbitrary<number>>);
const elapsed = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 2 * INTERVAL_MS }) },
  { weight: 1, arbitrary: fc.integer({ min: 2 * INTERVAL_MS, max: 48 * 3_600_000 }) },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('run' as const), ms: elapsed, use }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), ms: elapsed, beforeRestart: use, afterRestart: use }) },
  { weight: 5, arbitrary: fc.constant({ kind: 'read' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const), back: fc.nat(5) }) },
);

/**
 * Runs the domain, feeds every delivered reading to advanceCounters as a collector
 * would (keeping the last accepted reading), and works out from the true usage what
 * each span must hold: what the domain accrued since the previous accepted reading,
 * less what an old domain accrued after its last reading before it restarted.
 */
function simulate(steps: readonly Step[], previousHostReadingGap: number | undefined) {
  let now = T0;
  let domid = 1;
  let cumulative = ZERO_COUNTERS;
  let cumulativeAtLastRead = ZERO_COUNTERS;
  let accrued = ZERO_COUNTERS;
  let lost = ZERO_COUNTERS;
  let accruedAtLastRead = ZERO_COUNTERS;
  let lostAtLastRead = ZERO_COUNTERS;
  let restartsSinceLastRead = 0;
  const delivered: DomainReading[] = [];
  let stored: DomainReading | undefined;
  const spans: UsageSpan[] = [];
  const losses: UsageLoss[] = [];
  let expectedLosses = 0;

  const deliver = (next: DomainReading, replayed: boolean) => {
    const result = advanceCounters(stored, next, {
      intervalMs: INTERVAL_MS,
      gapFactor: GAP_FACTOR,
      previousHostReadingAt: previousHostReadingGap === undefined ? undefined : next.at - previousHostReadingGap,
    });
    const fresh = stored === undefined || next.at > stored.at;
    expect(result.duplicate).toBe(!fresh);
    if (result.duplicate) {
      expect(result.span).toBeUndefined();
      expect(result.loss).toBeUndefined();
      return;
    }
    expect(replayed).toBe(false);
    const expectedUsage = subtract(subtract(accrued, accruedAtLastRead), subtract(lost, lostAtLastRead));
    expect(result.span.usage).toEqual(expectedUsage);
    expect(result.span.to).toBe(next.at);
    if (stored === undefined) {
      const from = previousHostReadingGap !== undefined && previousHostReadingGap > 0 ? next.at - previousHostReadingGap : next.at - INTERVAL_MS;
      expect(result.span.from).toBe(from);
    } else {
      expect(result.span.from).toBe(stored.at);
    }
    expect(result.span.kind).toBe(result.span.to - result.span.from > GAP_FACTOR * INTERVAL_MS ? 'gap' : 'measured');
    if (stored !== undefined && restartsSinceLastRead > 0) expectedLosses += 1;
    expect(result.loss === undefined).toBe(stored === undefined || restartsSinceLastRead === 0);
    if (result.loss) {
      expect(result.loss).toEqual({ from: result.span.from, to: result.span.to, reason: 'domain-restarted' });
      losses.push(result.loss);
    }
    spans.push(result.span);
    stored = next;
    cumulativeAtLastRead = cumulative;
    accruedAtLastRead = accrued;
    lostAtLastRead = lost;
    restartsSinceLastRead = 0;
  };

  for (const s of steps) {
    if (s.kind === 'run') {
      now += s.ms;
      cumulative = addCounters(cumulative, s.use);
      accrued = addCounters(accrued, s.use);
    } else if (s.kind === 'restart') {
      now += s.ms;
      const old = addCounters(cumulative, s.beforeRestart);
      // Nothing reads what the old domain did after its last reading (all of it, if it was never read).
      lost = addCounters(lost, subtract(old, cumulativeAtLastRead));
      accrued = addCounters(addCounters(accrued, s.beforeRestart), s.afterRestart);
      domid += 1;
      cumulative = s.afterRestart;
      cumulativeAtLastRead = ZERO_COUNTERS;
      restartsSinceLastRead += 1;
    } else if (s.kind === 'read') {
      const next = { domid, at: now, counters: cumulative, memoryMiB: 1024 };
      delivered.push(next);
      deliver(next, false);
    } else if (delivered.length > 0) {
      deliver(delivered[Math.max(0, delivered.length - 1 - s.back)], true);
    }
  }
  return { spans, losses, expectedLosses, expectedTotal: subtract(accruedAtLastRead, lostAtLastRead) };
}

describe('advanceCounters over a domain lifetime (property)', () => {
  it('counts exactly the true usage less what no reading could see, with one loss per restart between readings', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), fc.option(fc.integer({ min: -1000, max: 5 * INTERVAL_MS }), { nil: undefined }), (steps, hostGap) => {
        const { spans, losses, expectedLosses, expectedTotal } = simulate(steps, hostGap);

        expect(spans.reduce((sum, span) => addCounters(sum, span.usage), ZERO_COUNTERS)).toEqual(expectedTotal);
        expect(losses).toHaveLength(expectedLosses);
        for (const span of spans) expect(USAGE_COUNTERS.every((c) => span.usage[c] >= 0)).toBe(true);
        spans.slice(1).forEach((span, i) => expect(span.from).toBe(spans[i].to));
      }),
      { numRuns: 500 },
    );
  });
});

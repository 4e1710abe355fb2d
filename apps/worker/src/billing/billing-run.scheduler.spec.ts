import type { InvoiceRuns } from '@carve/billing';
import type { CarveConfig } from '@carve/config';
import { Clock } from '@carve/core';
import type { BilledPools } from '@carve/pools';
import type { RedisConnection } from '@carve/redis';
import { BillingRunScheduler } from './billing-run.scheduler';

class FixedClock extends Clock {
  constructor(public at: number) {
    super();
  }
  now(): Date {
    return new Date(this.at);
  }
}

/** Only due() and the not-due answer: nothing here reaches Redis or the run (test/billing-runs.e2e-spec.ts runs them for real). */
function scheduler(timeZone: string, windowMinutes: number, clock: Clock): BillingRunScheduler {
  const config = { billingTimeZone: timeZone, billingCollectionWindowMinutes: windowMinutes } as CarveConfig;
  const unreachable = new Proxy({}, { get: () => { throw new Error('not reached before the period is due'); } });
  return new BillingRunScheduler(config, unreachable as InvoiceRuns, unreachable as BilledPools, unreachable as RedisConnection, clock);
}

describe('BillingRunScheduler.due', () => {
  it('is the month just ended in the billing zone, due at its end plus the collection window', () => {
    const s = scheduler('UTC', 120, new FixedClock(0));
    expect(s.due(Date.parse('2026-11-01T00:00:00Z'))).toEqual({ period: '2026-10', dueAt: Date.parse('2026-11-01T02:00:00Z') });
    expect(s.due(Date.parse('2026-01-15T12:00:00Z'))).toEqual({ period: '2025-12', dueAt: Date.parse('2026-01-01T02:00:00Z') });
  });

  it("follows Melbourne's clock changes: October ends at 13:00Z (AEDT), April at 14:00Z (AEST)", () => {
    const s = scheduler('Australia/Melbourne', 120, new FixedClock(0));
    // 2026-11-01 00:30 in Melbourne is 2026-10-31T13:30Z: October has ended there, not yet in UTC.
    expect(s.due(Date.parse('2026-10-31T13:30:00Z'))).toEqual({ period: '2026-10', dueAt: Date.parse('2026-10-31T15:00:00Z') });
    expect(s.due(Date.parse('2026-10-31T12:59:59Z'))).toEqual({ period: '2026-09', dueAt: Date.parse('2026-09-30T16:00:00Z') });
    expect(s.due(Date.parse('2026-05-01T00:00:00Z'))).toEqual({ period: '2026-04', dueAt: Date.parse('2026-04-30T16:00:00Z') });
  });

  it('answers not due, touching nothing, until the window has passed', async () => {
    const clock = new FixedClock(Date.parse('2026-11-01T01:59:59.999Z'));
    await expect(scheduler('UTC', 120, clock).check()).resolves.toEqual({ status: 'not-due', period: '2026-10', dueAt: new Date('2026-11-01T02:00:00Z') });
  });
});

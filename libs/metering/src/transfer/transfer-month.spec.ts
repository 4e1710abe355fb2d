import { billingMonthOf, reached, transferFigures } from './transfer-month';

describe('billingMonthOf', () => {
  it('is the UTC calendar month, whatever the local offset of the instant', () => {
    expect(billingMonthOf(new Date('2026-12-31T23:59:59.999Z'))).toEqual({ month: '2026-12', start: new Date('2026-12-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') });
    expect(billingMonthOf(new Date('2027-01-01T00:30:00+01:00')).month).toBe('2026-12');
    expect(billingMonthOf(new Date('2028-02-29T12:00:00Z')).end).toEqual(new Date('2028-03-01T00:00:00Z'));
  });
});

describe('transferFigures', () => {
  it('projects used / elapsed seconds x the month seconds', () => {
    // 9.5 of November's 30 days gone; 3.8 GB so far is 12 GB at that pace.
    const figures = transferFigures(3_800_000_000, 20, new Date('2026-11-10T12:00:00Z'));
    expect(figures).toEqual({
      month: '2026-11',
      usedBytes: 3_800_000_000,
      usedGB: 3.8,
      allowanceBytes: 20_000_000_000,
      allowanceGB: 20,
      percent: 19,
      projectedBytes: 12_000_000_000,
      projectedGB: 12,
    });
  });

  it("counts February's 28 days and a leap February's 29", () => {
    expect(transferFigures(7_000_000_000, 100, new Date('2026-02-08T00:00:00Z')).projectedGB).toBe(28);
    expect(transferFigures(7_000_000_000, 100, new Date('2028-02-08T00:00:00Z')).projectedGB).toBe(29);
  });

  it("takes what was used as the projection in the month's first instant, and has no percent without an allowance", () => {
    const figures = transferFigures(5_000, 0, new Date('2026-11-01T00:00:00Z'));
    expect(figures).toMatchObject({ usedBytes: 5_000, projectedBytes: 5_000, percent: null, allowanceBytes: 0 });
  });

  it('rounds percent down, so 79.999% does not read as 80%', () => {
    expect(transferFigures(7_999_900_000, 10, new Date('2026-11-02T00:00:00Z')).percent).toBe(79.99);
    // 0.29 x 10,000 is 2899.9999999999995 in floating point; the percent is still 29.
    expect(transferFigures(2_900_000_000, 10, new Date('2026-11-02T00:00:00Z')).percent).toBe(29);
  });
});

describe('reached', () => {
  it('compares exactly at the line, and never without an allowance', () => {
    expect(reached(8_000_000_000, 10, 80)).toBe(true);
    expect(reached(7_999_999_999, 10, 80)).toBe(false);
    expect(reached(1_000_000_000_000_000, 1_000_000_000, 100)).toBe(false);
    expect(reached(1_000_000_000_000_000_000, 1_000_000_000, 100)).toBe(true);
    expect(reached(5, 0, 80)).toBe(false);
  });
});

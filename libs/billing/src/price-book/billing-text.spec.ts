import { parseInstant, priceProblem, taxRateProblem } from './billing-text';

describe('priceProblem', () => {
  it.each(['0', '5', '5.00', '0.002', '120', '999999999999', '0.000000000001', '999999999999.999999999999'])('accepts %j', (text) => {
    expect(priceProblem(text)).toBeUndefined();
  });

  it.each([
    ['-1', 'must not be negative'],
    ['-0.5', 'must not be negative'],
    ['1e3', 'must be a decimal string'],
    ['1E3', 'must be a decimal string'],
    ['Infinity', 'must be a decimal string'],
    ['NaN', 'must be a decimal string'],
    ['0x10', 'must be a decimal string'],
    ['1,50', 'must be a decimal string'],
    ['1.5 ', 'must be a decimal string'],
    ['٣', 'must be a decimal string'],
    ['01', 'must be a decimal string'],
    ['1000000000000', 'must be a decimal string'],
    ['0.0000000000001', 'must be a decimal string'],
  ])('refuses %j', (text, message) => {
    expect(priceProblem(text)).toContain(message);
  });

  it('refuses what is not a string, and says so', () => {
    expect(priceProblem(undefined)).toBe('is required');
    for (const value of [null, 5, 0.1, true, ['1'], { v: '1' }]) expect(priceProblem(value)).toMatch(/^must be a string/);
  });
});

describe('taxRateProblem', () => {
  it.each(['0', '0.1', '0.10', '0.19', '0.999999', '0.000001'])('accepts %j', (text) => expect(taxRateProblem(text)).toBeUndefined());
  it.each(['1', '1.0', '1.5', '-0.1', '-0', '.1', '00.1', '0.', '0.1234567', 'abc', '', '10%'])('refuses %j', (text) => expect(taxRateProblem(text)).toMatch(/^must be/));
});

describe('parseInstant', () => {
  it('reads an instant with its offset, to the millisecond', () => {
    expect(parseInstant('2026-01-01T00:00:00Z')).toEqual({ at: Date.UTC(2026, 0, 1) });
    expect(parseInstant('2026-10-01T00:00:00+10:00')).toEqual({ at: Date.UTC(2026, 8, 30, 14) });
    expect(parseInstant('2024-02-29T23:59:59.5-03:30')).toEqual({ at: Date.UTC(2024, 2, 1, 3, 29, 59, 500) });
  });

  it.each(['2026-01-01', '2026-01-01T00:00:00', '2026-01-01 00:00:00Z', '2025-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00.1234Z', '2026-01-01t00:00:00z'])(
    'refuses %j',
    (text) => expect(parseInstant(text)).toEqual({ problem: expect.stringMatching(/^(must be|is not a real)/) }),
  );
});

import { billingPeriod } from '../rules/billing-period';
import { LINE_KINDS } from '../rules/invoice-rules';
import { lineDescription, lineKindLabel } from './invoice-document';
import { formatMoney, formatPercent, formatPeriod, formatUnitPrice } from './invoice-format';

describe('invoice formatting', () => {
  it('writes money with the currency code and grouped digits, as given', () => {
    expect(formatMoney('115.83', 'AUD')).toBe('AUD 115.83');
    expect(formatMoney('1200', 'JPY')).toBe('JPY 1,200');
    expect(formatMoney('1234567.891', 'KWD')).toBe('KWD 1,234,567.891');
    expect(formatMoney('-1234.50', 'EUR')).toBe('EUR -1,234.50');
    expect(formatMoney('0.00', 'USD')).toBe('USD 0.00');
    expect(() => formatMoney('1e3', 'USD')).toThrow(/decimal string/);
  });

  it('shows a unit price with at least the currency digits, never fewer of its own', () => {
    expect(formatUnitPrice('5', 'AUD')).toBe('AUD 5.00');
    expect(formatUnitPrice('0.015', 'AUD')).toBe('AUD 0.015');
    expect(formatUnitPrice('1.5', 'EUR')).toBe('EUR 1.50');
    expect(formatUnitPrice('150', 'JPY')).toBe('JPY 150');
    expect(formatUnitPrice('0.25', 'JPY')).toBe('JPY 0.25');
  });

  it('writes a tax rate as an exact percentage', () => {
    expect(formatPercent('0.10')).toBe('10%');
    expect(formatPercent('0.19')).toBe('19%');
    expect(formatPercent('0.075')).toBe('7.5%');
    expect(formatPercent('0.0825')).toBe('8.25%');
    expect(formatPercent('0')).toBe('0%');
    expect(formatPercent('1')).toBe('100%');
  });

  it('names a period by its days in its own time zone, daylight saving months included', () => {
    for (const [month, days] of [
      ['2026-10', '1 October 2026 to 31 October 2026'],
      ['2026-04', '1 April 2026 to 30 April 2026'],
      ['2028-02', '1 February 2028 to 29 February 2028'],
    ]) {
      const p = billingPeriod(month!, 'Australia/Melbourne');
      expect(formatPeriod({ period: month!, periodStart: new Date(p.start).toISOString(), periodEnd: new Date(p.end).toISOString(), timeZone: p.timeZone })).toContain(
        `(${days}, Australia/Melbourne time)`,
      );
    }
  });

  it('has a label for every line kind and refuses an unknown one', () => {
    expect(LINE_KINDS.map(lineKindLabel)).toEqual([
      'RAM',
      'vCPUs',
      'Disk',
      'Transfer allowance',
      'Dedicated server',
      'CPU beyond included',
      'Disk IO beyond included',
      'Transfer beyond allowance',
      'Bandwidth (95th percentile)',
    ]);
    expect(lineDescription({ kind: 'io-overage', adjustment: true, period: '2026-09' })).toBe('Disk IO beyond included, adjustment for 2026-09');
    expect(() => lineKindLabel('gpu')).toThrow(/not an invoice line kind/);
  });
});

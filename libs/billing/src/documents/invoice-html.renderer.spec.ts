import { InvoiceDocument } from './invoice-document';
import { renderInvoiceHtml } from './invoice-html.renderer';

function invoice(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  return {
    number: 'INV-2026-000123',
    issuedAt: '2026-11-01T02:00:00.000Z',
    period: '2026-10',
    timeZone: 'Australia/Melbourne',
    periodStart: '2026-09-30T14:00:00.000Z',
    periodEnd: '2026-10-31T13:00:00.000Z',
    currency: 'AUD',
    taxRate: '0.10',
    subtotal: '1105.30',
    tax: '110.53',
    total: '1215.83',
    operator: { name: 'Southern Cross Hosting', address: ['Level 4, 123 Collins Street', 'Melbourne VIC 3000'], email: 'billing@sxhosting.example' },
    customer: { name: 'O\'Brien "Widgets" & Co', email: 'accounts@acme.example' },
    lines: [
      { n: 1, pool: '<script>alert(1)</script>', kind: 'ram', period: '2026-10', adjustment: false, quantity: '2.5', unit: 'GiB-month', unitPrice: '5.00', amount: '12.50' },
      { n: 2, pool: 'web', kind: 'bandwidth-p95', period: '2026-10', adjustment: false, quantity: '42.133', unit: 'Mbit/s', unitPrice: '1.50', amount: '63.20' },
      { n: 3, pool: 'web', kind: 'transfer-overage', period: '2026-09', adjustment: true, quantity: '10296', unit: 'GB', unitPrice: '0.10', amount: '1029.60' },
    ],
    ...overrides,
  };
}

describe('renderInvoiceHtml', () => {
  it('escapes every name, so a pool named like a script stays text', () => {
    const html = renderInvoiceHtml(invoice({ operator: { name: '<img src=x onerror=alert(2)>' } }));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('O&#39;Brien &quot;Widgets&quot; &amp; Co');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toMatch(/<script|<img/i);
  });

  it('is one self-contained page: inline CSS, nothing fetched, scripts refused', () => {
    const html = renderInvoiceHtml(invoice());
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<link|\ssrc=|\shref=|url\(/i);
  });

  it('shows the number, customer, period with its time zone, labelled lines, tax rate and total', () => {
    const html = renderInvoiceHtml(invoice());
    for (const text of [
      'Invoice INV-2026-000123',
      'Issued 1 November 2026',
      'October 2026',
      '1 October 2026 to 31 October 2026',
      'Australia/Melbourne time',
      'RAM',
      'Bandwidth (95th percentile)',
      'Transfer beyond allowance<span class="adjustment">adjustment for 2026-09</span>',
      '42.133 Mbit/s',
      '10,296 GB',
      'AUD 1,029.60',
      'Tax (10%)',
      'AUD 1,105.30',
      'AUD 110.53',
      '<td>Total</td><td class="num">AUD 1,215.83</td>',
    ]) {
      expect(html).toContain(text);
    }
  });

  it('says so when nothing was charged', () => {
    const html = renderInvoiceHtml(invoice({ lines: [], subtotal: '0.00', tax: '0.00', total: '0.00' }));
    expect(html).toContain('Nothing was charged for this period.');
  });
});

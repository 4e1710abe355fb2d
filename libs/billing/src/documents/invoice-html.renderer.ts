import { assertInvoiceDocument, InvoiceDocument, lineKindLabel } from './invoice-document';
import { formatDate, formatMoney, formatMonth, formatPercent, formatPeriodDays, formatQuantity, formatUnitPrice } from './invoice-format';

/** Every piece of text that reaches the page goes through here, attributes included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
  @page { size: A4; margin: 18mm 16mm; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #f4f5f7; color: #1a1a1a; font: 14px/1.45 Helvetica, Arial, sans-serif; }
  main { max-width: 820px; margin: 32px auto; padding: 40px 44px; background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  header, .parties { display: flex; justify-content: space-between; gap: 24px; }
  header { padding-bottom: 18px; border-bottom: 1px solid #d9d9d9; margin-bottom: 18px; }
  h1, h2 { margin: 0; font-size: 22px; }
  .muted { color: #666; }
  .label { display: block; font-size: 11px; font-weight: bold; letter-spacing: .05em; text-transform: uppercase; color: #666; }
  .right { text-align: right; }
  .name { font-size: 16px; font-weight: bold; }
  address { font-style: normal; }
  table { width: 100%; border-collapse: collapse; margin-top: 28px; font-size: 13px; }
  th { background: #eef1f4; text-align: left; font-size: 12px; }
  th, td { padding: 6px 8px; vertical-align: top; }
  td { border-bottom: 1px solid #d9d9d9; overflow-wrap: anywhere; }
  th.num, td.num { text-align: right; white-space: nowrap; }
  .adjustment { display: block; font-size: 12px; font-style: italic; color: #666; }
  .totals { margin: 16px 0 0 auto; width: 340px; border-collapse: collapse; }
  .totals td { border: 0; padding: 3px 8px; }
  .totals .total td { border-top: 1.5px solid #1a1a1a; padding-top: 8px; font-size: 17px; font-weight: bold; }
  footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid #d9d9d9; font-size: 12px; color: #666; }
  @media print { body { background: #fff; } main { margin: 0; padding: 0; box-shadow: none; max-width: none; } }
`;

/**
 * The invoice as one self-contained HTML page (inline CSS, nothing fetched, scripts refused by
 * its Content-Security-Policy), the same content as the PDF; every name is HTML-escaped.
 */
export function renderInvoiceHtml(doc: InvoiceDocument): string {
  assertInvoiceDocument(doc);
  const e = escapeHtml;
  const money = (amount: string) => e(formatMoney(amount, doc.currency));
  const operatorLines = [...(doc.operator.address ?? []), ...(doc.operator.email ? [doc.operator.email] : [])];
  const rows = doc.lines.map(
    (line) => `      <tr>
        <td class="muted">${line.n}</td>
        <td>${e(line.pool)}</td>
        <td>${e(lineKindLabel(line.kind))}${line.adjustment ? `<span class="adjustment">adjustment for ${e(line.period)}</span>` : ''}</td>
        <td class="num">${e(formatQuantity(line.quantity, line.unit))}</td>
        <td class="num">${e(formatUnitPrice(line.unitPrice, doc.currency))}</td>
        <td class="num">${money(line.amount)}</td>
      </tr>`,
  );
  const body = rows.length > 0 ? rows.join('\n') : `      <tr><td class="muted" colspan="6">Nothing was charged for this period.</td></tr>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Invoice ${e(doc.number)} · ${e(doc.operator.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
  <header>
    <div>
      <div class="name">${e(doc.operator.name)}</div>
      <address class="muted">${operatorLines.map(e).join('<br>')}</address>
    </div>
    <div class="right">
      <h1>Invoice ${e(doc.number)}</h1>
      <div class="muted">Issued ${e(formatDate(doc.issuedAt, doc.timeZone))}</div>
    </div>
  </header>
  <section class="parties">
    <div>
      <span class="label">Bill to</span>
      <div class="name">${e(doc.customer.name)}</div>
      ${doc.customer.email ? `<div class="muted">${e(doc.customer.email)}</div>` : ''}
    </div>
    <div class="right">
      <span class="label">Period</span>
      <div class="name">${e(formatMonth(doc.period))}</div>
      <div class="muted">${e(formatPeriodDays(doc))}</div>
      <div class="muted">${e(doc.timeZone)} time</div>
    </div>
  </section>
  <table>
    <thead>
      <tr><th>#</th><th>Pool</th><th>Item</th><th class="num">Quantity</th><th class="num">Unit price</th><th class="num">Amount</th></tr>
    </thead>
    <tbody>
${body}
    </tbody>
  </table>
  <table class="totals">
    <tr><td>Subtotal</td><td class="num">${money(doc.subtotal)}</td></tr>
    <tr><td>Tax (${e(formatPercent(doc.taxRate))})</td><td class="num">${money(doc.tax)}</td></tr>
    <tr class="total"><td>Total</td><td class="num">${money(doc.total)}</td></tr>
  </table>
  <footer>${e(doc.operator.name)} · Invoice ${e(doc.number)}</footer>
</main>
</body>
</html>
`;
}

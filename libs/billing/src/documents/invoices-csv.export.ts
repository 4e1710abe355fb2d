// The accountant's export of a period's invoices: one row per invoice line (RFC 4180), each
// repeating its invoice's number, customer, period, currency and totals.
import { assertDecimal, assertInvoiceLines, assertInvoiceSummary, InvoiceDocumentLine, InvoiceSummary, lineDescription } from './invoice-document';

export interface InvoiceCsvRow {
  invoice: InvoiceSummary & { customerId: string };
  lines: InvoiceDocumentLine[];
}

type Cell = { text: string } | { decimal: string };
type Invoice = InvoiceCsvRow['invoice'];

/** Columns in order. `decimal` cells hold numbers carve computed; `text` cells hold anything else. */
const COLUMNS: [string, (invoice: Invoice, line: InvoiceDocumentLine | undefined) => Cell][] = [
  ['invoice_number', (i) => ({ text: i.number })],
  ['issued_at', (i) => ({ text: i.issuedAt })],
  ['customer_id', (i) => ({ text: i.customerId })],
  ['customer_name', (i) => ({ text: i.customer.name })],
  ['customer_email', (i) => ({ text: i.customer.email ?? '' })],
  ['period', (i) => ({ text: i.period })],
  ['time_zone', (i) => ({ text: i.timeZone })],
  ['period_start', (i) => ({ text: i.periodStart })],
  ['period_end', (i) => ({ text: i.periodEnd })],
  ['currency', (i) => ({ text: i.currency })],
  ['line', (_, l) => (l ? { decimal: String(l.n) } : { text: '' })],
  ['pool', (_, l) => ({ text: l?.pool ?? '' })],
  ['kind', (_, l) => ({ text: l?.kind ?? '' })],
  ['description', (_, l) => ({ text: l ? lineDescription(l) : '' })],
  ['line_period', (_, l) => ({ text: l?.period ?? '' })],
  ['adjustment', (_, l) => ({ text: l ? String(l.adjustment) : '' })],
  ['quantity', (_, l) => (l ? { decimal: l.quantity } : { text: '' })],
  ['unit', (_, l) => ({ text: l?.unit ?? '' })],
  ['unit_price', (_, l) => (l ? { decimal: l.unitPrice } : { text: '' })],
  ['amount', (_, l) => (l ? { decimal: l.amount } : { text: '' })],
  ['invoice_subtotal', (i) => ({ decimal: i.subtotal })],
  ['tax_rate', (i) => ({ decimal: i.taxRate })],
  ['invoice_tax', (i) => ({ decimal: i.tax })],
  ['invoice_total', (i) => ({ decimal: i.total })],
];

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return, or their
 * full-width forms, which some locales also accept) as a formula, so such text gets a leading
 * single quote, also after leading spaces. Decimal cells are exempt: they are carve's own
 * numbers, checked to be plain decimals (-?digits[.digits]), which no spreadsheet evaluates as
 * a formula, and quoting them would turn a credit of "-4.10" into text the accountant cannot sum.
 */
const FORMULA_START = /^[\s]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/u;

function cellText(cell: Cell): string {
  if ('decimal' in cell) {
    assertDecimal(cell.decimal, 'a decimal column');
    return cell.decimal;
  }
  return FORMULA_START.test(cell.text) ? `'${cell.text}` : cell.text;
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function record(cells: string[]): string {
  return `${cells.map(field).join(',')}\r\n`;
}

/**
 * The CSV for the accountant, header first, CRLF line ends. An invoice without lines still
 * gets one row (its line columns empty), so no invoice number is missing from the export.
 * Invoice totals repeat on each of its rows: sum `amount` for the lines, or take the totals
 * once per invoice_number.
 */
export function invoicesCsv(rows: readonly InvoiceCsvRow[]): string {
  let out = record(COLUMNS.map(([name]) => name));
  for (const { invoice, lines } of rows) {
    assertInvoiceSummary(invoice);
    assertInvoiceLines(invoice, lines);
    for (const line of lines.length > 0 ? lines : [undefined]) {
      out += record(COLUMNS.map(([, cell]) => cellText(cell(invoice, line))));
    }
  }
  return out;
}

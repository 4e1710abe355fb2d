import { minorUnitDigits } from '../rules/currency';
import { assertTimeZone } from '../rules/billing-period';
import { LINE_KINDS, LineKind } from '../rules/invoice-rules';

/**
 * What an invoice PDF, HTML page or CSV row shows: already computed and formatted by the
 * invoice run, so the renderers do no arithmetic beyond checking the document adds up.
 * Amounts are decimal strings in major units with exactly the currency's digits
 * ("12.30", "1200" for JPY); quantities and unit prices are decimal strings of any precision.
 */
export interface InvoiceDocumentLine {
  n: number;
  /** The pool's or the dedicated rental's name. */
  pool: string;
  kind: string;
  /** YYYY-MM the line belongs to: the invoice's period, or an earlier one for an adjustment. */
  period: string;
  adjustment: boolean;
  quantity: string;
  unit: string;
  unitPrice: string;
  amount: string;
}

export interface InvoiceDocument {
  number: string;
  /** ISO 8601 instant. */
  issuedAt: string;
  /** YYYY-MM in `timeZone`. */
  period: string;
  timeZone: string;
  /** ISO 8601 instants: the period's first instant and the first instant after it. */
  periodStart: string;
  periodEnd: string;
  currency: string;
  /** A fraction: "0.10" is 10 %. */
  taxRate: string;
  subtotal: string;
  tax: string;
  total: string;
  operator: { name: string; address?: string[]; email?: string };
  customer: { name: string; email?: string | null };
  lines: InvoiceDocumentLine[];
}

/** The invoice without its operator and lines: what a CSV row repeats for each line. */
export type InvoiceSummary = Omit<InvoiceDocument, 'operator' | 'lines'>;

export const LINE_KIND_LABELS: Readonly<Record<LineKind, string>> = {
  ram: 'RAM',
  vcpu: 'vCPUs',
  disk: 'Disk',
  'transfer-allowance': 'Transfer allowance',
  dedicated: 'Dedicated server',
  'cpu-overage': 'CPU beyond included',
  'io-overage': 'Disk IO beyond included',
  'transfer-overage': 'Transfer beyond allowance',
  'bandwidth-p95': 'Bandwidth (95th percentile)',
};

function isLineKind(kind: string): kind is LineKind {
  return (LINE_KINDS as readonly string[]).includes(kind);
}

export function lineKindLabel(kind: string): string {
  if (!isLineKind(kind)) throw new RangeError(`${JSON.stringify(kind)} is not an invoice line kind`);
  return LINE_KIND_LABELS[kind];
}

/** "RAM", or "RAM, adjustment for 2026-09" for a line that belongs to an earlier period. */
export function lineDescription(line: Pick<InvoiceDocumentLine, 'kind' | 'adjustment' | 'period'>): string {
  const label = lineKindLabel(line.kind);
  return line.adjustment ? `${label}, adjustment for ${line.period}` : label;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function assertDecimal(value: string, field: string): void {
  if (typeof value !== 'string' || !DECIMAL.test(value)) throw new RangeError(`${field} must be a decimal string, got ${JSON.stringify(value)}`);
}

/** An amount in minor units; refuses one without exactly the currency's digits, which would be a bug upstream. */
export function minorUnits(amount: string, currency: string, field: string): bigint {
  assertDecimal(amount, field);
  const digits = minorUnitDigits(currency);
  const [whole, fraction = ''] = amount.split('.');
  if (fraction.length !== digits) throw new RangeError(`${field} must have ${digits} decimal digits for ${currency}, got ${JSON.stringify(amount)}`);
  return BigInt(whole! + fraction);
}

function assertInstant(value: string, field: string): void {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new RangeError(`${field} must be an ISO 8601 instant, got ${JSON.stringify(value)}`);
  }
}

/**
 * Checks what a renderer relies on: known currency, kinds and time zone, decimal amounts with
 * the currency's digits, and subtotal = sum of lines, total = subtotal + tax. An invoice that
 * does not add up is refused rather than shown to a customer.
 */
export function assertInvoiceSummary(invoice: InvoiceSummary): void {
  assertTimeZone(invoice.timeZone);
  if (!MONTH.test(invoice.period)) throw new RangeError(`period must be YYYY-MM, got ${JSON.stringify(invoice.period)}`);
  assertInstant(invoice.issuedAt, 'issuedAt');
  assertInstant(invoice.periodStart, 'periodStart');
  assertInstant(invoice.periodEnd, 'periodEnd');
  assertDecimal(invoice.taxRate, 'taxRate');
  const subtotal = minorUnits(invoice.subtotal, invoice.currency, 'subtotal');
  const tax = minorUnits(invoice.tax, invoice.currency, 'tax');
  const total = minorUnits(invoice.total, invoice.currency, 'total');
  if (subtotal + tax !== total) throw new RangeError(`invoice ${invoice.number}: subtotal ${invoice.subtotal} + tax ${invoice.tax} is not the total ${invoice.total}`);
}

export function assertInvoiceLines(invoice: InvoiceSummary, lines: readonly InvoiceDocumentLine[]): void {
  let sum = 0n;
  for (const line of lines) {
    const field = `lines[n=${line.n}]`;
    if (!Number.isSafeInteger(line.n) || line.n < 1) throw new RangeError(`${field}.n must be a positive integer`);
    lineKindLabel(line.kind);
    if (!MONTH.test(line.period)) throw new RangeError(`${field}.period must be YYYY-MM, got ${JSON.stringify(line.period)}`);
    assertDecimal(line.quantity, `${field}.quantity`);
    assertDecimal(line.unitPrice, `${field}.unitPrice`);
    sum += minorUnits(line.amount, invoice.currency, `${field}.amount`);
  }
  if (sum !== minorUnits(invoice.subtotal, invoice.currency, 'subtotal')) {
    throw new RangeError(`invoice ${invoice.number}: its lines add up to ${sum} minor units, not the subtotal ${invoice.subtotal}`);
  }
}

export function assertInvoiceDocument(doc: InvoiceDocument): void {
  assertInvoiceSummary(doc);
  assertInvoiceLines(doc, doc.lines);
}

// The arithmetic of a credit note, kept pure: what may still be credited on an invoice, and
// the note's totals, tax rounded half up once on its subtotal as on the invoice.
import type { FieldProblem } from '@carve/core';
import { minorUnitDigits } from '../rules/currency';
import { Rational, unitsToDecimal } from '../rules/rational';

export interface CreditLineRequest {
  /** The invoice line credited, by its number; absent for a free line. */
  invoiceLine?: number;
  description?: string;
  /** Decimal string in major units, at most the currency's digits ("4.10", "1200" for JPY). */
  amount: string;
}

export interface InvoiceToCredit {
  currency: string;
  /** A fraction as stored ("0.1"). */
  taxRate: string;
  subtotalMinor: bigint;
  totalMinor: bigint;
  lines: readonly { n: number; amountMinor: bigint; description: string }[];
}

export interface CreditedSoFar {
  subtotalMinor: bigint;
  totalMinor: bigint;
  /** Invoice line number -> minor units credited on it by earlier notes. */
  byLine: ReadonlyMap<number, bigint>;
}

export interface CreditNoteDraft {
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  lines: { n: number; invoiceLine: number | null; description: string; amountMinor: bigint }[];
}

/** A request the invoice cannot take: input problems (400) or credit beyond what remains (409). */
export type CreditNoteRefusal = { kind: 'invalid'; fields: FieldProblem[] } | { kind: 'exceeds'; fields: FieldProblem[] };

/** "4.1" -> 410n for EUR; undefined when it is not a positive decimal with at most the currency's digits. */
export function parseAmountMinor(amount: string, currency: string): bigint | undefined {
  const digits = minorUnitDigits(currency);
  const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(amount);
  if (!m) return undefined;
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return undefined;
  const minor = BigInt(m[1]! + fraction.padEnd(digits, '0'));
  return minor > 0n ? minor : undefined;
}

/**
 * The note for `requests` against `invoice`, or why not. A referenced line may be credited
 * up to its amount less what earlier notes credited on it; the note's subtotal and total
 * may not take the invoice's credited subtotal or total beyond the invoice's own.
 */
export function draftCreditNote(invoice: InvoiceToCredit, credited: CreditedSoFar, requests: readonly CreditLineRequest[]): CreditNoteDraft | CreditNoteRefusal {
  const digits = minorUnitDigits(invoice.currency);
  const invalid: FieldProblem[] = [];
  const lines: CreditNoteDraft['lines'] = [];
  const byLine = new Map<number, { amountMinor: bigint; first: number }>();
  for (const [i, request] of requests.entries()) {
    const amountMinor = parseAmountMinor(request.amount, invoice.currency);
    if (amountMinor === undefined) {
      invalid.push({ field: `lines.${i}.amount`, message: `must be a positive amount in ${invoice.currency} with at most ${digits} decimal digits` });
      continue;
    }
    if (request.invoiceLine === undefined) {
      if (!request.description) {
        invalid.push({ field: `lines.${i}.description`, message: 'is required for a line that credits no invoice line' });
        continue;
      }
      lines.push({ n: i + 1, invoiceLine: null, description: request.description, amountMinor });
      continue;
    }
    const line = invoice.lines.find((l) => l.n === request.invoiceLine);
    if (!line) {
      invalid.push({ field: `lines.${i}.invoiceLine`, message: `the invoice has no line ${request.invoiceLine}` });
      continue;
    }
    const seen = byLine.get(line.n);
    byLine.set(line.n, { amountMinor: (seen?.amountMinor ?? 0n) + amountMinor, first: seen?.first ?? i });
    lines.push({ n: i + 1, invoiceLine: line.n, description: request.description ?? `Credit on line ${line.n}: ${line.description}`, amountMinor });
  }
  if (invalid.length > 0) return { kind: 'invalid', fields: invalid };

  const f = (minor: bigint) => unitsToDecimal(minor, digits);
  const exceeds: FieldProblem[] = [];
  for (const [n, { amountMinor, first }] of byLine) {
    const line = invoice.lines.find((l) => l.n === n)!;
    const remaining = line.amountMinor - (credited.byLine.get(n) ?? 0n);
    if (amountMinor > remaining) {
      exceeds.push({ field: `lines.${first}.amount`, message: `line ${n} has ${f(remaining > 0n ? remaining : 0n)} ${invoice.currency} left to credit (of ${f(line.amountMinor)})` });
    }
  }
  const subtotalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0n);
  const taxMinor = Rational.of(subtotalMinor).mul(Rational.parse(invoice.taxRate)).roundToUnits(0);
  const totalMinor = subtotalMinor + taxMinor;
  const subtotalLeft = invoice.subtotalMinor - credited.subtotalMinor;
  const totalLeft = invoice.totalMinor - credited.totalMinor;
  if (subtotalMinor > subtotalLeft) {
    exceeds.push({ field: 'lines', message: `the invoice has ${f(subtotalLeft > 0n ? subtotalLeft : 0n)} ${invoice.currency} of its subtotal left to credit; these lines add up to ${f(subtotalMinor)}` });
  } else if (totalMinor > totalLeft) {
    exceeds.push({ field: 'lines', message: `the invoice has ${f(totalLeft > 0n ? totalLeft : 0n)} ${invoice.currency} of its total left to credit; this note would total ${f(totalMinor)} with tax` });
  }
  if (exceeds.length > 0) return { kind: 'exceeds', fields: exceeds };
  return { subtotalMinor, taxMinor, totalMinor, lines };
}

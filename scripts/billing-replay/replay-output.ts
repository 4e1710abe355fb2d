import { InvoiceLineRow, InvoiceRow, minorUnitDigits, unitsToDecimal } from '@carve/billing';

/** What `npm run billing:replay` prints: amounts in major units with exactly the currency's decimals ("12.30", "1200" for JPY). */
export interface ReplayOutput {
  invoices: ReplayInvoice[];
}

export interface ReplayInvoice {
  customer: string;
  currency: string;
  subtotal: string;
  tax: string;
  total: string;
  lines: { pool: string; kind: string; amount: string }[];
}

/** One invoice as printed; `pool` is the line's subject (a pool's or a dedicated rental's name), lines in the invoice's order. */
export function invoiceOutput(customer: string, invoice: InvoiceRow, lines: readonly InvoiceLineRow[]): ReplayInvoice {
  const digits = minorUnitDigits(invoice.currency);
  const amount = (minor: bigint) => unitsToDecimal(minor, digits);
  return {
    customer,
    currency: invoice.currency,
    subtotal: amount(invoice.subtotalMinor),
    tax: amount(invoice.taxMinor),
    total: amount(invoice.totalMinor),
    lines: [...lines].sort((a, b) => a.n - b.n).map((l) => ({ pool: l.subjectName, kind: l.kind, amount: amount(l.amountMinor) })),
  };
}

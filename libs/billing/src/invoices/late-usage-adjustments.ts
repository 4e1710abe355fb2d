import { BillingPeriod, billingPeriod } from '../rules/billing-period';
import { computeInvoice } from '../rules/invoice-rules';
import type { PriceVersion } from '../rules/price-versions';
import { Rational } from '../rules/rational';
import type { BillingInputs } from './billing-inputs';
import type { InvoiceLineRow, InvoiceRepository } from './invoice.repository';

const USAGE_KINDS = new Set(['cpu-overage', 'io-overage', 'transfer-overage', 'bandwidth-p95']);

function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * Readings that arrived after the previous period was invoiced: its usage lines are
 * computed again from today's data and compared, per pool and kind, with everything
 * already billed for it (its invoice and any earlier adjustments); each difference becomes
 * an adjustment line naming that period. Recurring lines cannot change: finalised periods'
 * sizes and prices are fixed. Only the period just before is looked at (late readings come
 * within hours, and 5-minute data for a 95th percentile is kept 35 days).
 */
export async function lateUsageAdjustments(
  inputs: BillingInputs,
  invoices: InvoiceRepository,
  customerId: string,
  period: BillingPeriod,
  prices: PriceVersion[],
): Promise<Omit<InvoiceLineRow, 'n'>[]> {
  const earlier = billingPeriod(previousMonth(period.month), period.timeZone);
  const all = await invoices.billedFor(customerId, earlier.month);
  if (all.length === 0) return []; // the customer had no invoice for that period
  const billed = all.filter((l) => USAGE_KINDS.has(l.kind));
  const { input } = await inputs.forCustomer(customerId, earlier, prices);
  const now = computeInvoice(input).lines.filter((l) => USAGE_KINDS.has(l.kind));
  const key = (subjectId: string | null, kind: string) => `${subjectId}|${kind}`;
  const before = new Map<string, { quantity: Rational; amountMinor: bigint; line: InvoiceLineRow }>();
  for (const l of billed) {
    const k = key(l.subjectId, l.kind);
    const entry = before.get(k) ?? { quantity: Rational.ZERO, amountMinor: 0n, line: l };
    entry.quantity = entry.quantity.add(Rational.parse(l.quantity));
    entry.amountMinor += l.amountMinor;
    before.set(k, entry);
  }
  const out: Omit<InvoiceLineRow, 'n'>[] = [];
  for (const line of now) {
    const k = key(line.subjectId, line.kind);
    const prior = before.get(k);
    const amountMinor = line.amountMinor - (prior?.amountMinor ?? 0n);
    if (amountMinor === 0n) continue;
    out.push({
      subjectId: line.subjectId,
      subjectName: line.subjectName,
      kind: line.kind,
      priceVersionId: line.priceVersionId,
      quantity: line.quantity.sub(prior?.quantity ?? Rational.ZERO).toFixed(12),
      unit: line.unit,
      unitPrice: line.unitPrice.toFixed(12),
      amountMinor,
      period: earlier.month,
      adjustment: true,
      sources: { adjustment: { period: earlier.month, billedMinor: String(prior?.amountMinor ?? 0n), nowMinor: String(line.amountMinor) }, ...line.sources },
    });
  }
  return out;
}

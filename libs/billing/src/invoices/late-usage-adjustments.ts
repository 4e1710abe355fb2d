import { BillingPeriod, billingPeriod, previousMonth } from '../rules/billing-period';
import type { PriceVersion } from '../rules/price-versions';
import { Rational } from '../rules/rational';
import type { BillingInputs, BillingSource } from './billing-inputs';
import { computeOrExplain } from './compute-or-explain';
import type { InvoiceLineRow, InvoiceRepository } from './invoice.repository';

const USAGE_KINDS = new Set(['cpu-overage', 'io-overage', 'transfer-overage', 'bandwidth-p95']);
const HOUR_MS = 3_600_000;

export interface LateUsageContext {
  inputs: BillingInputs;
  invoices: InvoiceRepository;
  customerId: string;
  /** The period being invoiced; adjustments are for the one before it. */
  period: BillingPeriod;
  prices: PriceVersion[];
  /** The currency of the invoice the adjustment lines go on. */
  currency: string;
  /** The first instant whose 5-minute usage is still kept (BillingInputs.fiveMinuteUsageKeptFrom). */
  fiveMinuteKeptFrom: number;
  /** Where the earlier period's inputs are read (BillingInputs.batch in a run); BillingInputs.direct when absent. */
  source?: BillingSource;
  /** Every line billed so far for the earlier period, when the caller read it already (InvoiceRepository.billedForCustomers). */
  billed?: InvoiceLineRow[];
}

export interface LateUsageAdjustments {
  lines: Omit<InvoiceLineRow, 'n'>[];
  /** Why some of the earlier period was not looked at again (for the run's log); empty when all of it was. */
  notes: string[];
}

/**
 * Readings that arrived after the previous period was invoiced: its usage lines are
 * computed again from today's data and compared, per pool and kind, with everything
 * already billed for it (its invoice and any earlier adjustments); each difference becomes
 * an adjustment line naming that period. Recurring lines cannot change: finalised periods'
 * sizes and prices are fixed. Only the period just before is looked at (late readings come
 * within hours of the period's end), and only for customers invoiced for it.
 *
 * What is recomputed must rest on data metering still keeps, or the "difference" would be
 * readings dropped by retention, not readings added:
 * - a 95th percentile needs every 5-minute interval of the period. 5-minute usage is kept
 *   METERING_5M_RETENTION_DAYS (35 by default) and the period began about two months before
 *   the next run, so once any of the period's 5-minute data may be gone, its billed
 *   bandwidth-p95 line stands as billed: readings arriving late for a p95 pool's traffic are
 *   not billed. Its CPU and IO overage are still adjusted (from hourly data, kept 13 months).
 * - in a zone whose months do not start on the hour (Adelaide, Kolkata) the totals come from
 *   5-minute data too; there, once it may be gone, no usage line of that period is adjusted.
 * - an earlier period billed in another currency (the price book changed currency at this
 *   period's start) is not adjusted on this invoice: its lines cannot be added up with
 *   this period's.
 * Rule refusals (no price in force) are translated as computeOrExplain does, never a 500.
 */
export async function lateUsageAdjustments(context: LateUsageContext): Promise<LateUsageAdjustments> {
  const { inputs, invoices, customerId, period, prices, currency, fiveMinuteKeptFrom, source } = context;
  const earlier = billingPeriod(previousMonth(period.month), period.timeZone);
  const all = context.billed ?? (await invoices.billedFor(customerId, earlier.month));
  if (all.length === 0) return { lines: [], notes: [] }; // the customer had no invoice for that period
  const notes: string[] = [];
  const fiveMinuteGone = earlier.start < fiveMinuteKeptFrom;
  if (fiveMinuteGone && (earlier.start % HOUR_MS !== 0 || earlier.end % HOUR_MS !== 0)) {
    return { lines: [], notes: [`${earlier.month} not adjusted: its usage totals need 5-minute data, which retention has partly dropped`] };
  }
  const { input } = await inputs.forCustomer(customerId, earlier, prices, earlier.end, source);
  const recomputed = computeOrExplain(input);
  if (recomputed.currency !== currency) {
    return { lines: [], notes: [`${earlier.month} not adjusted: it was billed in ${recomputed.currency}, this invoice is in ${currency}`] };
  }
  const p95Pools = new Set(input.pools.filter((p) => p.billing === 'p95').map((p) => p.poolId));
  const now = recomputed.lines.filter((l) => {
    if (!USAGE_KINDS.has(l.kind)) return false;
    if (l.kind === 'bandwidth-p95' && fiveMinuteGone) return false;
    return true;
  });
  if (fiveMinuteGone && p95Pools.size > 0) notes.push(`${earlier.month}: bandwidth-p95 of ${p95Pools.size} pool(s) stands as billed (5-minute data partly dropped by retention)`);

  const billed = all.filter((l) => USAGE_KINDS.has(l.kind));
  const key = (subjectId: string | null, kind: string) => `${subjectId}|${kind}`;
  const before = new Map<string, { quantity: Rational; amountMinor: bigint }>();
  for (const l of billed) {
    const k = key(l.subjectId, l.kind);
    const entry = before.get(k) ?? { quantity: Rational.ZERO, amountMinor: 0n };
    entry.quantity = entry.quantity.add(Rational.parse(l.quantity));
    entry.amountMinor += l.amountMinor;
    before.set(k, entry);
  }
  const lines: Omit<InvoiceLineRow, 'n'>[] = [];
  for (const line of now) {
    const prior = before.get(key(line.subjectId, line.kind));
    const amountMinor = line.amountMinor - (prior?.amountMinor ?? 0n);
    if (amountMinor === 0n) continue;
    lines.push({
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
  return { lines, notes };
}

import type { BillingPeriod } from './billing-period';
import { minorUnitDigits } from './currency';
import { PRICE_KEYS, PriceKey, PriceVersion, usageVersion, versionAt } from './price-versions';
import { Rational } from './rational';

/** A pool's size from `at` on; null: deleted (size zero from then). */
export interface PoolSize {
  ramMib: number;
  vcpus: number;
  diskGib: number;
  transferGb: number;
}

export interface SizeChange {
  at: number;
  size: PoolSize | null;
}

/** What a pool's servers used inside the period (spans crossing its bounds already split in proportion to time). */
export interface UsageTotals {
  cpuMs: bigint;
  bytesRead: bigint;
  bytesWritten: bigint;
  netOutBytes: bigint;
  netInBytes: bigint;
}

/** A clock-aligned 5-minute interval of a pool's traffic, summed over its servers. */
export interface BandwidthInterval {
  start: number;
  inBytes: bigint;
  outBytes: bigint;
}

export type PoolBillingMode = 'transfer' | 'p95';

export interface PoolCharges {
  poolId: string;
  name: string;
  billing: PoolBillingMode;
  sizes: SizeChange[];
  usage: UsageTotals;
  /** p95 pools only: every 5-minute interval of the period that has data. */
  bandwidth: BandwidthInterval[];
}

export interface DedicatedRental {
  id: string;
  name: string;
  from: number;
  to: number | null;
  monthlyPrice: string;
}

export interface InvoiceInput {
  period: BillingPeriod;
  prices: PriceVersion[];
  /** "0.10" */
  taxRate: string;
  pools: PoolCharges[];
  dedicated: DedicatedRental[];
}

export const LINE_KINDS = ['ram', 'vcpu', 'disk', 'transfer-allowance', 'dedicated', 'cpu-overage', 'io-overage', 'transfer-overage', 'bandwidth-p95'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

export interface SizeSpan {
  from: number;
  to: number;
  /** The size of the line's resource during the span (MiB for RAM). */
  size: number;
  priceVersionId: string | null;
}

export interface LineSources {
  sizeSpans?: SizeSpan[];
  usage?: { used: string; included: string; unit: string; totals: Record<keyof UsageTotals, string> };
  bandwidth?: { intervals: number; position: number; p95Mbit: string };
}

export interface ComputedLine {
  subjectId: string;
  subjectName: string;
  kind: LineKind;
  priceVersionId: string | null;
  quantity: Rational;
  unit: string;
  unitPrice: Rational;
  amountMinor: bigint;
  sources: LineSources;
}

export interface ComputedInvoice {
  currency: string;
  digits: number;
  lines: ComputedLine[];
  subtotalMinor: bigint;
  taxRate: Rational;
  taxMinor: bigint;
  totalMinor: bigint;
}

export class BillingRuleError extends Error {}

const GIB_MIB = Rational.of(1024n);
const GB = Rational.of(1_000_000_000n);
const HOUR_MS = Rational.of(3_600_000n);
const RECURRING: { kind: LineKind; unit: string; price: PriceKey; size: (s: PoolSize) => Rational }[] = [
  { kind: 'ram', unit: 'GiB-month', price: 'ramGibMonth', size: (s) => Rational.of(s.ramMib).div(GIB_MIB) },
  { kind: 'vcpu', unit: 'vCPU-month', price: 'vcpuMonth', size: (s) => Rational.of(s.vcpus) },
  { kind: 'disk', unit: 'GiB-month', price: 'diskGibMonth', size: (s) => Rational.of(s.diskGib) },
  { kind: 'transfer-allowance', unit: 'GB-month', price: 'transferGbMonth', size: (s) => Rational.of(s.transferGb) },
];

function lineAmount(quantity: Rational, unitPrice: Rational, digits: number): bigint {
  return quantity.mul(unitPrice).roundToUnits(digits);
}

/** The size in effect at an instant: the last change at or before it; before the first, the pool did not exist. */
function sizeAt(sizes: readonly SizeChange[], at: number): PoolSize | null {
  let current: PoolSize | null = null;
  for (const change of sizes) {
    if (change.at > at) break;
    current = change.size;
  }
  return current;
}

interface Segment {
  from: number;
  to: number;
  size: PoolSize;
  version: PriceVersion;
}

/** The period cut at every size change and price version start inside it, each piece with its size and price version. */
function segments(period: BillingPeriod, sizes: readonly SizeChange[], prices: readonly PriceVersion[]): Segment[] {
  const cuts = new Set<number>([period.start, period.end]);
  for (const c of sizes) if (c.at > period.start && c.at < period.end) cuts.add(c.at);
  for (const v of prices) if (v.effectiveFrom > period.start && v.effectiveFrom < period.end) cuts.add(v.effectiveFrom);
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i]!;
    const size = sizeAt(sizes, from);
    if (!size) continue;
    const version = versionAt(prices, from);
    if (!version) throw new BillingRuleError(`no price book version is in force at ${new Date(from).toISOString()}`);
    out.push({ from, to: points[i + 1]!, size, version });
  }
  return out;
}

/** p95 of the greater of in and out, in Mbit/s: sorted ascending, the value at position ceil(0.95 n), 1-based. */
export function percentile95(intervals: readonly BandwidthInterval[]): { p95: Rational; n: number; position: number } {
  const rates = intervals
    .map((i) => Rational.of((i.inBytes > i.outBytes ? i.inBytes : i.outBytes) * 8n, 300n * 1_000_000n))
    .sort((a, b) => a.cmp(b));
  if (rates.length === 0) return { p95: Rational.ZERO, n: 0, position: 0 };
  const position = Math.ceil((95 * rates.length) / 100);
  return { p95: rates[position - 1]!, n: rates.length, position };
}

/**
 * One customer's invoice for one period, by the rules in the README: recurring charges
 * prorated to the second per (pool, kind, price version); usage per pool beyond what its
 * size includes, priced at the version in force at the period's end; exact fractions
 * throughout, each line rounded half up once, tax rounded once on the subtotal.
 */
export function computeInvoice(input: InvoiceInput): ComputedInvoice {
  const { period } = input;
  const end = usageVersion(input.prices, period);
  if (!end) throw new BillingRuleError(`no price book version is in force at the end of ${period.month}`);
  const currency = end.currency;
  const inForce = [versionAt(input.prices, period.start), ...input.prices.filter((v) => v.effectiveFrom > period.start && v.effectiveFrom < period.end)];
  for (const v of inForce) {
    if (v && v.currency !== currency) throw new BillingRuleError(`price versions in force during ${period.month} use different currencies (${v.currency}, ${currency})`);
  }
  const digits = minorUnitDigits(currency);
  const periodMs = Rational.of(period.seconds * 1000n);
  const price = (v: PriceVersion, key: PriceKey) => Rational.parse(v.prices[key]);
  const lines: ComputedLine[] = [];

  for (const pool of input.pools) {
    const segs = segments(period, pool.sizes, input.prices);
    const totals = new Map<LineKind, Rational>();
    for (const spec of RECURRING) {
      if (spec.kind === 'transfer-allowance' && pool.billing === 'p95') continue;
      const byVersion = new Map<string, { version: PriceVersion; quantity: Rational; spans: SizeSpan[] }>();
      for (const seg of segs) {
        const size = spec.size(seg.size);
        if (size.isZero()) continue;
        const entry = byVersion.get(seg.version.id) ?? { version: seg.version, quantity: Rational.ZERO, spans: [] };
        entry.quantity = entry.quantity.add(size.mul(Rational.of(BigInt(seg.to - seg.from))).div(periodMs));
        entry.spans.push({ from: seg.from, to: seg.to, size: spec.kind === 'ram' ? seg.size.ramMib : Number(size.num / size.den), priceVersionId: seg.version.id });
        byVersion.set(seg.version.id, entry);
      }
      let total = Rational.ZERO;
      for (const { version, quantity, spans } of [...byVersion.values()].sort((a, b) => a.version.effectiveFrom - b.version.effectiveFrom)) {
        total = total.add(quantity);
        const unitPrice = price(version, spec.price);
        lines.push({ subjectId: pool.poolId, subjectName: pool.name, kind: spec.kind, priceVersionId: version.id, quantity, unit: spec.unit, unitPrice, amountMinor: lineAmount(quantity, unitPrice, digits), sources: { sizeSpans: spans } });
      }
      totals.set(spec.kind, total);
    }

    const totalsText = Object.fromEntries(Object.entries(pool.usage).map(([k, v]) => [k, (v as bigint).toString()])) as Record<keyof UsageTotals, string>;
    const overage = (kind: LineKind, used: Rational, included: Rational, unit: string, unitPrice: Rational) => {
      const quantity = used.sub(included).max(Rational.ZERO);
      lines.push({
        subjectId: pool.poolId,
        subjectName: pool.name,
        kind,
        priceVersionId: end.id,
        quantity,
        unit,
        unitPrice,
        amountMinor: lineAmount(quantity, unitPrice, digits),
        sources: { usage: { used: used.toFixed(9), included: included.toFixed(9), unit, totals: totalsText } },
      });
    };
    const cpuHours = Rational.of(pool.usage.cpuMs).div(HOUR_MS);
    overage('cpu-overage', cpuHours, price(end, 'includedCpuHoursPerVcpuMonth').mul(totals.get('vcpu') ?? Rational.ZERO), 'hour', price(end, 'cpuHour'));
    const ioGb = Rational.of(pool.usage.bytesRead + pool.usage.bytesWritten).div(GB);
    overage('io-overage', ioGb, price(end, 'includedIoGbPerDiskGibMonth').mul(totals.get('disk') ?? Rational.ZERO), 'GB', price(end, 'ioGb'));
    if (pool.billing === 'transfer') {
      overage('transfer-overage', Rational.of(pool.usage.netOutBytes).div(GB), totals.get('transfer-allowance') ?? Rational.ZERO, 'GB', price(end, 'transferOverageGb'));
    } else {
      const { p95, n, position } = percentile95(pool.bandwidth);
      const unitPrice = price(end, 'bandwidthMbitMonth');
      lines.push({
        subjectId: pool.poolId,
        subjectName: pool.name,
        kind: 'bandwidth-p95',
        priceVersionId: end.id,
        quantity: p95,
        unit: 'Mbit/s',
        unitPrice,
        amountMinor: lineAmount(p95, unitPrice, digits),
        sources: { bandwidth: { intervals: n, position, p95Mbit: p95.toFixed(9) } },
      });
    }
  }

  for (const rental of input.dedicated) {
    const from = Math.max(rental.from, period.start);
    const to = Math.min(rental.to ?? Number.POSITIVE_INFINITY, period.end);
    if (to <= from) continue;
    const quantity = Rational.of(BigInt(to - from)).div(periodMs);
    const unitPrice = Rational.parse(rental.monthlyPrice);
    lines.push({
      subjectId: rental.id,
      subjectName: rental.name,
      kind: 'dedicated',
      priceVersionId: null,
      quantity,
      unit: 'month',
      unitPrice,
      amountMinor: lineAmount(quantity, unitPrice, digits),
      sources: { sizeSpans: [{ from, to, size: 1, priceVersionId: null }] },
    });
  }

  const kept = lines.filter((l) => !l.quantity.isZero());
  const subtotalMinor = kept.reduce((sum, l) => sum + l.amountMinor, 0n);
  const taxRate = Rational.parse(input.taxRate);
  const taxMinor = Rational.of(subtotalMinor).mul(taxRate).roundToUnits(0);
  return { currency, digits, lines: kept, subtotalMinor, taxRate, taxMinor, totalMinor: subtotalMinor + taxMinor };
}

export { PRICE_KEYS };

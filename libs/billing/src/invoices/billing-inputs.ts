import { Injectable } from '@nestjs/common';
import { BandwidthBucket, BilledUsage, BilledUsageReader, MeteringPartitions } from '@carve/metering';
import { BilledPool, BilledPools } from '@carve/pools';
import { BilledCustomer, BilledCustomers } from '@carve/tenancy';
import type { BillingPeriod } from '../rules/billing-period';
import type { DedicatedRental, InvoiceInput, PoolCharges, SizeChange } from '../rules/invoice-rules';
import type { PriceVersion } from '../rules/price-versions';

export interface CustomerBillingInput {
  customerId: string;
  customerName: string;
  customerEmail: string | null;
  input: InvoiceInput;
}

/** A pool's size history as the rules take it: an all-zero row (the pool's deletion) means no size from then on. */
function sizeChanges(pool: BilledPool, until: number): SizeChange[] {
  const changes: SizeChange[] = pool.sizes
    .filter((s) => s.effectiveAt.getTime() < until)
    .map((s) => {
      const zero = s.memoryMiB === 0 && s.vcpus === 0 && s.diskGiB === 0 && s.transferGB === 0;
      return { at: s.effectiveAt.getTime(), size: zero ? null : { ramMib: s.memoryMiB, vcpus: s.vcpus, diskGib: s.diskGiB, transferGb: s.transferGB } };
    });
  // A pool deleted without its closing row (older data) has size zero from its deletion all the same.
  if (pool.deletedAt && pool.deletedAt.getTime() < until && changes.at(-1)?.size !== null) changes.push({ at: pool.deletedAt.getTime(), size: null });
  return changes;
}

/**
 * Where forCustomer reads from: straight from the owning libs (one customer: the preview),
 * or from what a batch of customers read together (the invoice run).
 */
export interface BillingSource {
  customer(customerId: string): Promise<BilledCustomer | undefined>;
  /** Every pool the customer had (a size) before `until`, with its whole size history, in creation order. */
  everPools(customerId: string, until: number): Promise<BilledPool[]>;
  /** Usage per pool in [start, end); every pool asked for is in the map (zero when it had none). */
  totals(poolIds: readonly string[], start: number, end: number): Promise<Map<string, BilledUsage>>;
  bandwidth(poolId: string, start: number, end: number): Promise<BandwidthBucket[]>;
}

const ZERO_USAGE = (): BilledUsage => ({ cpuMs: 0n, bytesRead: 0n, bytesWritten: 0n, netOutBytes: 0n, netInBytes: 0n });

/** Usage totals of every pool in one window, read once for a whole run. */
export interface UsageWindow {
  start: number;
  end: number;
  totals: Map<string, BilledUsage>;
}

/** The usage window forCustomer reads for a period (cut at `until` for an estimate). */
export function usageWindowOf(period: BillingPeriod, until: number = period.end): { start: number; end: number } {
  return { start: period.start, end: Math.floor(until / 300_000) * 300_000 };
}

const hasUsage = (u: BilledUsage | undefined) => !!u && (u.cpuMs > 0n || u.bytesRead > 0n || u.bytesWritten > 0n || u.netOutBytes > 0n || u.netInBytes > 0n);

/**
 * Gathers what the rules need for one customer and period from the libs that own it:
 * pools and their size history (pools), usage summed per pool wherever its servers ran
 * (metering), the tax rate (tenancy). Dedicated pools are billed as rentals at their own
 * monthly price, from creation to deletion; their usage is not billed. A shared pool's
 * usage in the period is billed even when the pool had no size in it (deleted before the
 * period began, readings of its last hours arriving late): usage lines without recurring
 * lines, nothing included.
 * `until` cuts the period short for an estimate of the month so far.
 */
@Injectable()
export class BillingInputs {
  constructor(
    private readonly pools: BilledPools,
    private readonly usage: BilledUsageReader,
    private readonly customers: BilledCustomers,
    private readonly partitions: MeteringPartitions,
  ) {}

  /** The first instant whose 5-minute usage metering still keeps at `now` (older 5-minute rows are dropped by retention). */
  fiveMinuteUsageKeptFrom(now: Date): number {
    return this.partitions.keptFrom('usage_5m', now);
  }

  /** Every customer with a pool during the period or usage in it. */
  async customersOf(period: BillingPeriod): Promise<string[]> {
    const pools = await this.pools.during(new Date(period.start), new Date(period.end));
    const used = await this.usage.poolsWithUsage(period.start, period.end);
    return [...new Set([...pools.map((p) => p.customerId), ...used.map((u) => u.customerId)])].sort();
  }

  /** Reads each customer's inputs as asked (one customer at a time). */
  readonly direct: BillingSource = {
    customer: async (customerId) => (await this.customers.byIds([customerId])).get(customerId),
    everPools: (customerId, until) => this.pools.during(new Date(0), new Date(until), customerId),
    totals: (poolIds, start, end) => this.usage.totals(poolIds, start, end),
    bandwidth: (poolId, start, end) => this.usage.bandwidth(poolId, start, end),
  };

  /** Usage of every pool in the period's window (see usageWindowOf), for a run's batches to share. */
  async usageWindow(period: BillingPeriod): Promise<UsageWindow> {
    const { start, end } = usageWindowOf(period);
    return { start, end, totals: await this.usage.totalsOfAllPools(start, end) };
  }

  /**
   * The inputs of a batch of customers, read together: their customer rows and pools (every
   * pool before `until`, size histories included) in three statements, usage from the run's
   * windows (a window not given is read as asked), 95th-percentile intervals once per window
   * for all of the batch's p95 pools. forCustomer with it answers what it answers with `direct`.
   */
  async batch(customerIds: readonly string[], until: number, windows: readonly UsageWindow[]): Promise<BillingSource> {
    const customers = await this.customers.byIds(customerIds);
    const poolsOf = new Map<string, BilledPool[]>();
    for (const pool of await this.pools.during(new Date(0), new Date(until), customerIds)) {
      const list = poolsOf.get(pool.customerId) ?? [];
      list.push(pool);
      poolsOf.set(pool.customerId, list);
    }
    const p95 = [...poolsOf.values()].flat().filter((p) => p.kind === 'shared' && p.billing === 'p95').map((p) => p.id);
    const bandwidths = new Map<string, Promise<Map<string, BandwidthBucket[]>>>();
    return {
      customer: async (customerId) => customers.get(customerId),
      everPools: async (customerId, before) => {
        if (before > until) return this.pools.during(new Date(0), new Date(before), customerId);
        // during(): a size before the end, not deleted before the start (epoch).
        return (poolsOf.get(customerId) ?? []).filter((p) => p.sizes.length > 0 && p.sizes[0]!.effectiveAt.getTime() < before && (p.deletedAt === null || p.deletedAt.getTime() > 0));
      },
      totals: async (poolIds, start, end) => {
        const window = windows.find((w) => w.start === start && w.end === end);
        if (!window) return this.usage.totals(poolIds, start, end);
        return new Map(poolIds.map((id) => [id, window.totals.get(id) ?? ZERO_USAGE()]));
      },
      bandwidth: async (poolId, start, end) => {
        const key = `${start}/${end}`;
        let read = bandwidths.get(key);
        if (!read) bandwidths.set(key, (read = this.usage.bandwidthOfPools(p95, start, end)));
        return (await read).get(poolId) ?? this.usage.bandwidth(poolId, start, end);
      },
    };
  }

  async forCustomer(customerId: string, period: BillingPeriod, prices: PriceVersion[], until: number = period.end, source: BillingSource = this.direct): Promise<CustomerBillingInput> {
    const customer = await source.customer(customerId);
    if (!customer) throw new Error(`customer ${customerId} does not exist`);
    // Every pool the customer had before `until`; those without a size in the period are kept only for their usage in it.
    const everPools = await source.everPools(customerId, until);
    const inPeriod = (p: BilledPool) => p.deletedAt === null || p.deletedAt.getTime() > period.start;
    const { start: usageStart, end: usageEnd } = usageWindowOf(period, until);
    const everShared = everPools.filter((p) => p.kind === 'shared');
    const totals = await source.totals(
      everShared.map((p) => p.id),
      usageStart,
      usageEnd,
    );
    const pools = everPools.filter((p) => inPeriod(p) || (p.kind === 'shared' && hasUsage(totals.get(p.id))));
    const shared = pools.filter((p) => p.kind === 'shared');
    const charges: PoolCharges[] = [];
    for (const pool of shared) {
      const sizes = sizeChanges(pool, until);
      if (until < period.end && sizes.at(-1)?.size !== null) sizes.push({ at: until, size: null });
      charges.push({
        poolId: pool.id,
        name: pool.name,
        billing: pool.billing,
        sizes,
        usage: totals.get(pool.id)!,
        bandwidth: pool.billing === 'p95' ? await source.bandwidth(pool.id, usageStart, usageEnd) : [],
      });
    }
    const dedicated: DedicatedRental[] = pools
      .filter((p) => p.kind === 'dedicated' && p.monthlyPrice !== null)
      .map((p) => ({
        id: p.id,
        name: p.name,
        from: (p.sizes[0]?.effectiveAt ?? p.createdAt).getTime(),
        to: p.deletedAt && p.deletedAt.getTime() < until ? p.deletedAt.getTime() : until < period.end ? until : null,
        monthlyPrice: p.monthlyPrice!,
      }));
    return {
      customerId,
      customerName: customer.name,
      customerEmail: customer.contactEmail,
      input: { period, prices, taxRate: customer.taxRate, pools: charges, dedicated },
    };
  }
}

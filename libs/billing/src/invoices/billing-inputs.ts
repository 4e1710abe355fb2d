import { Injectable } from '@nestjs/common';
import { BilledUsage, BilledUsageReader, MeteringPartitions } from '@carve/metering';
import { BilledPool, BilledPools } from '@carve/pools';
import { BilledCustomers } from '@carve/tenancy';
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

  async forCustomer(customerId: string, period: BillingPeriod, prices: PriceVersion[], until: number = period.end): Promise<CustomerBillingInput> {
    const customer = (await this.customers.byIds([customerId])).get(customerId);
    if (!customer) throw new Error(`customer ${customerId} does not exist`);
    // Every pool the customer had before `until`; those without a size in the period are kept only for their usage in it.
    const everPools = await this.pools.during(new Date(0), new Date(until), customerId);
    const inPeriod = (p: BilledPool) => p.deletedAt === null || p.deletedAt.getTime() > period.start;
    const usageEnd = Math.floor(until / 300_000) * 300_000;
    const everShared = everPools.filter((p) => p.kind === 'shared');
    const totals = await this.usage.totals(
      everShared.map((p) => p.id),
      period.start,
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
        bandwidth: pool.billing === 'p95' ? await this.usage.bandwidth(pool.id, period.start, usageEnd) : [],
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

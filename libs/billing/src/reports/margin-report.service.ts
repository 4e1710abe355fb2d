import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock, ConflictError, ForbiddenError, InvalidInputError } from '@carve/core';
import { Host, HostService } from '@carve/inventory';
import { BilledUsageReader } from '@carve/metering';
import { BilledPools } from '@carve/pools';
import type { Actor } from '@carve/tenancy';
import { InvoiceRepository } from '../invoices/invoice.repository';
import { BillingPeriod, billingPeriod } from '../rules/billing-period';
import { minorUnitDigits } from '../rules/currency';
import { Rational, unitsToDecimal } from '../rules/rational';
import { apportion } from './apportion';

export interface HostMargin {
  hostId: string;
  name: string;
  status: string;
  /** Invoice currency: the host's dedicated rentals and its share of pool charges (before tax). */
  revenue: string;
  dedicatedRevenue: string;
  poolRevenue: string;
  /** The host's own currency. */
  costCurrency: string;
  monthlyCost: string;
  /** The monthly cost for the part of the month the host was registered. */
  cost: string;
  /** Fraction of the month the host was registered (1 for the whole month). */
  costShare: string;
  prorated: boolean;
  /** revenue - cost, when both are in one currency; null otherwise (see note). */
  margin: string | null;
  note: string | null;
}

export interface MarginReportView {
  month: string;
  timeZone: string;
  periodStart: string;
  periodEnd: string;
  /** The invoices' currency; null when the month has no invoice lines. */
  currency: string | null;
  invoices: number;
  hosts: HostMargin[];
  /** Charges no host can be credited with: pools whose servers held no memory on any host that month. */
  unattributedRevenue: string;
  totals: { revenue: string; cost: string; margin: string | null; note: string | null };
  basis: string;
}

const BASIS =
  "Revenue is the month's final invoice lines before tax (adjustments on later invoices included). A dedicated rental counts for its host; " +
  "a shared pool's lines are split across hosts in proportion to the memory its servers held on each (MiB x time) that month. " +
  'Cost is the host\'s monthly cost, prorated to the part of the month the host was registered.';

/**
 * The operator's margin per host for a month: revenue attributable to each host from the
 * month's final invoices against its monthly cost. Exact fractions throughout; each row is
 * rounded once, by largest remainder, so the rows add up to the invoices.
 */
@Injectable()
export class MarginReport {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly pools: BilledPools,
    private readonly usage: BilledUsageReader,
    private readonly hosts: HostService,
    private readonly clock: Clock,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {}

  async report(actor: Actor, month: string): Promise<MarginReportView> {
    if (actor.customerId !== null) throw new ForbiddenError('Only the operator reads the margin report.');
    const period = this.periodOf(month);
    if (this.clock.now().getTime() < period.end) {
      throw new ConflictError('period_not_over', `${month} (${period.timeZone}) has not ended yet; its invoices do not exist.`, { fields: [{ field: 'query.month', message: 'has not ended yet' }] });
    }
    const lines = await this.invoices.linesBilling(period.month);
    const currencies = [...new Set(lines.map((l) => l.currency))];
    if (currencies.length > 1) throw new ConflictError('mixed_currencies', `The invoices of ${month} are in ${currencies.join(', ')}; the report adds up one currency.`);
    const currency = currencies[0] ?? null;

    const pools = new Map((await this.pools.during(new Date(period.start), new Date(period.end))).map((p) => [p.id, p]));
    const shares = new Map<string, { hostId: string; weight: bigint }[]>();
    for (const s of await this.usage.hostShares(period.start, period.end)) {
      const list = shares.get(s.poolId) ?? [];
      list.push({ hostId: s.hostId, weight: s.memoryMibMs > 0n ? s.memoryMibMs : 0n });
      shares.set(s.poolId, list);
    }

    const UNATTRIBUTED = '';
    const dedicated = new Map<string, Rational>();
    const pooled = new Map<string, Rational>();
    const add = (into: Map<string, Rational>, key: string, amount: Rational) => into.set(key, (into.get(key) ?? Rational.ZERO).add(amount));
    for (const line of lines) {
      const amount = Rational.of(line.amountMinor);
      const pool = line.subjectId ? pools.get(line.subjectId) : undefined;
      if (line.kind === 'dedicated') {
        add(dedicated, pool?.hostId ?? UNATTRIBUTED, amount);
        continue;
      }
      const held = (line.subjectId ? shares.get(line.subjectId) : undefined) ?? [];
      const total = held.reduce((sum, s) => sum + s.weight, 0n);
      if (total === 0n) {
        add(pooled, UNATTRIBUTED, amount);
        continue;
      }
      for (const s of held) if (s.weight > 0n) add(pooled, s.hostId, amount.mul(Rational.of(s.weight, total)));
    }

    const hosts = await this.allHosts();
    const byId = new Map(hosts.map((h) => [h.id, h]));
    // Revenue on a host that no longer exists stays in the total as unattributed.
    for (const into of [dedicated, pooled]) {
      for (const [hostId, amount] of [...into]) {
        if (hostId !== UNATTRIBUTED && !byId.has(hostId)) {
          into.delete(hostId);
          add(into, UNATTRIBUTED, amount);
        }
      }
    }
    // One apportioning over every (host, kind) cell, so all cells add up to the month's lines.
    const cells = new Map<string, Rational>();
    for (const [hostId, amount] of dedicated) cells.set(`d:${hostId}`, amount);
    for (const [hostId, amount] of pooled) cells.set(`p:${hostId}`, amount);
    const minor = apportion(cells);
    const cell = (kind: 'd' | 'p', hostId: string) => minor.get(`${kind}:${hostId}`) ?? 0n;

    // A month without invoices still has costs: they add up when every host costs in one currency.
    const hostCurrencies = [...new Set(hosts.map((h) => h.currency))];
    const reportCurrency = currency ?? (hostCurrencies.length === 1 ? hostCurrencies[0]! : null);
    const digits = reportCurrency ? minorUnitDigits(reportCurrency) : 2;
    const f = (units: bigint) => unitsToDecimal(units, digits);
    const seconds = period.end - period.start;
    let revenueTotal = cell('d', UNATTRIBUTED) + cell('p', UNATTRIBUTED);
    let costTotal = 0n;
    const otherCurrencies = new Set<string>();
    const rows: HostMargin[] = [];
    for (const host of hosts) {
      const from = Math.max(host.createdAt.getTime(), period.start);
      const d = cell('d', host.id);
      const p = cell('p', host.id);
      if (from >= period.end && d + p === 0n) continue;
      const existed = Math.max(0, period.end - from);
      const share = Rational.of(existed, seconds);
      const hostDigits = minorUnitDigits(host.currency);
      const cost = Rational.of(host.monthlyCostMinor).mul(share).roundToUnits(0);
      const prorated = existed < seconds;
      const sameCurrency = reportCurrency === host.currency;
      const revenue = d + p;
      revenueTotal += revenue;
      if (sameCurrency) costTotal += cost;
      else otherCurrencies.add(host.currency);
      const notes: string[] = [];
      if (prorated) notes.push(`registered ${new Date(from).toISOString()}: cost prorated to ${share.toFixed(6)} of the month`);
      if (!sameCurrency) notes.push(`cost is in ${host.currency}, revenue in ${reportCurrency ?? 'several currencies'}: no margin without an exchange rate`);
      rows.push({
        hostId: host.id,
        name: host.name,
        status: host.status,
        revenue: f(revenue),
        dedicatedRevenue: f(d),
        poolRevenue: f(p),
        costCurrency: host.currency,
        monthlyCost: unitsToDecimal(BigInt(host.monthlyCostMinor), hostDigits),
        cost: unitsToDecimal(cost, hostDigits),
        costShare: trimDecimal(share.toFixed(6)),
        prorated,
        margin: sameCurrency ? unitsToDecimal(revenue - cost, hostDigits) : null,
        note: notes.length > 0 ? notes.join('; ') : null,
      });
    }
    rows.sort((x, y) => x.name.localeCompare(y.name) || x.hostId.localeCompare(y.hostId));
    const costNote = otherCurrencies.size > 0 ? `hosts with costs in ${[...otherCurrencies].sort().join(', ')} are left out of the cost total` : null;
    return {
      month: period.month,
      timeZone: period.timeZone,
      periodStart: new Date(period.start).toISOString(),
      periodEnd: new Date(period.end).toISOString(),
      currency,
      invoices: new Set(lines.map((l) => l.invoiceId)).size,
      hosts: rows,
      unattributedRevenue: f(cell('d', UNATTRIBUTED) + cell('p', UNATTRIBUTED)),
      totals: { revenue: f(revenueTotal), cost: f(costTotal), margin: f(revenueTotal - costTotal), note: costNote },
      basis: BASIS,
    };
  }

  private periodOf(month: string): BillingPeriod {
    try {
      return billingPeriod(month, this.config.billingTimeZone);
    } catch (error) {
      throw new InvalidInputError([{ field: 'query.month', message: (error as Error).message }]);
    }
  }

  /** Every registered host (a few hundred at most: the operator's inventory), read through the inventory's service. */
  private async allHosts(): Promise<Host[]> {
    const out: Host[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.hosts.list({ limit: 100, after }, {});
      out.push(...page.items);
      const last = page.items.at(-1);
      if (!page.nextCursor || !last) return out;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }
}

function trimDecimal(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
}

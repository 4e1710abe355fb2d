import Decimal from 'decimal.js';
import fc from 'fast-check';
import { billingPeriod } from './billing-period';
import { computeInvoice, InvoiceInput, PoolCharges, SizeChange, UsageTotals } from './invoice-rules';
import { PriceVersion } from './price-versions';
import { unitsToDecimal } from './rational';

// The independent calculation: decimal.js at 60 digits, written from the README's rules
// without the engine's helpers, so a misreading in one is caught by the other.
Decimal.set({ precision: 60, rounding: Decimal.ROUND_HALF_UP });
const D = (v: string | number | bigint) => new Decimal(v.toString());

const t = (iso: string) => Date.parse(iso);
const AUD: PriceVersion = {
  id: 'v1',
  effectiveFrom: t('2026-01-01T00:00:00Z'),
  currency: 'AUD',
  prices: {
    ramGibMonth: '5.00',
    vcpuMonth: '4.00',
    diskGibMonth: '0.08',
    transferGbMonth: '0.002',
    transferOverageGb: '0.10',
    cpuHour: '0.015',
    includedCpuHoursPerVcpuMonth: '200',
    ioGb: '0.02',
    includedIoGbPerDiskGibMonth: '10',
    bandwidthMbitMonth: '1.50',
  },
};
const NO_USAGE: UsageTotals = { cpuMs: 0n, bytesRead: 0n, bytesWritten: 0n, netOutBytes: 0n, netInBytes: 0n };
const size = (ramMib: number, vcpus: number, diskGib: number, transferGb: number) => ({ ramMib, vcpus, diskGib, transferGb });

function pool(overrides: Partial<PoolCharges>): PoolCharges {
  return { poolId: 'p1', name: 'web', billing: 'transfer', sizes: [], usage: NO_USAGE, bandwidth: [], ...overrides };
}

/** The plain calculation of one invoice: returns subtotal and total in major units with the currency's digits. */
function plainTotal(input: InvoiceInput, digits: number): { subtotal: string; tax: string; total: string; lines: Record<string, string> } {
  const { start, end } = input.period;
  const periodSec = D(end - start).div(1000);
  const lines: Record<string, Decimal> = {};
  const addLine = (key: string, amount: Decimal) => (lines[key] = amount.toDecimalPlaces(digits, Decimal.ROUND_HALF_UP));
  const versions = [...input.prices].sort((a, b) => a.effectiveFrom - b.effectiveFrom);
  const endVersion = [...versions].reverse().find((v) => v.effectiveFrom < end)!;
  for (const p of input.pools) {
    // Walk second by second boundaries: every instant where size or version changes.
    const cuts = [...new Set([start, end, ...p.sizes.map((c) => c.at), ...versions.map((v) => v.effectiveFrom)])].filter((x) => x >= start && x <= end).sort((a, b) => a - b);
    const q: Record<string, Decimal> = {};
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i]!;
      const b = cuts[i + 1]!;
      const s = [...p.sizes].filter((c) => c.at <= a).pop()?.size;
      if (!s) continue;
      const v = [...versions].reverse().find((x) => x.effectiveFrom <= a)!;
      const f = D(b - a).div(1000).div(periodSec);
      const add = (kind: string, amount: Decimal, unitPrice: string) => {
        const key = `${p.name}/${kind}/${v.id}`;
        q[key] = (q[key] ?? D(0)).add(amount.mul(f));
        q[`${key}#price`] = D(unitPrice);
        q[`${p.name}/${kind}`] = (q[`${p.name}/${kind}`] ?? D(0)).add(amount.mul(f));
      };
      add('ram', D(s.ramMib).div(1024), v.prices.ramGibMonth);
      add('vcpu', D(s.vcpus), v.prices.vcpuMonth);
      add('disk', D(s.diskGib), v.prices.diskGibMonth);
      if (p.billing === 'transfer') add('transfer-allowance', D(s.transferGb), v.prices.transferGbMonth);
    }
    for (const key of Object.keys(q).filter((k) => k.split('/').length === 3 && !k.endsWith('#price'))) {
      if (!q[key]!.isZero()) addLine(key, q[key]!.mul(q[`${key}#price`]!));
    }
    const pr = endVersion.prices;
    const cpu = D(p.usage.cpuMs).div(3_600_000).sub(D(pr.includedCpuHoursPerVcpuMonth).mul(q[`${p.name}/vcpu`] ?? 0));
    if (cpu.gt(0)) addLine(`${p.name}/cpu-overage`, cpu.mul(pr.cpuHour));
    const io = D(p.usage.bytesRead + p.usage.bytesWritten).div(1e9).sub(D(pr.includedIoGbPerDiskGibMonth).mul(q[`${p.name}/disk`] ?? 0));
    if (io.gt(0)) addLine(`${p.name}/io-overage`, io.mul(pr.ioGb));
    if (p.billing === 'transfer') {
      const out = D(p.usage.netOutBytes).div(1e9).sub(q[`${p.name}/transfer-allowance`] ?? 0);
      if (out.gt(0)) addLine(`${p.name}/transfer-overage`, out.mul(pr.transferOverageGb));
    } else {
      const rates = p.bandwidth.map((i) => D(i.inBytes > i.outBytes ? i.inBytes : i.outBytes).mul(8).div(300).div(1e6)).sort((a, b) => a.cmp(b));
      if (rates.length > 0) {
        const p95 = rates[Math.ceil(0.95 * rates.length) - 1]!;
        if (!p95.isZero()) addLine(`${p.name}/bandwidth-p95`, p95.mul(pr.bandwidthMbitMonth));
      }
    }
  }
  for (const r of input.dedicated) {
    const from = Math.max(r.from, start);
    const to = Math.min(r.to ?? end, end);
    if (to > from) addLine(`${r.name}/dedicated`, D(to - from).div(1000).div(periodSec).mul(r.monthlyPrice));
  }
  const subtotal = Object.values(lines).reduce((a, b) => a.add(b), D(0));
  const tax = subtotal.mul(input.taxRate).toDecimalPlaces(digits, Decimal.ROUND_HALF_UP);
  return {
    subtotal: subtotal.toFixed(digits),
    tax: tax.toFixed(digits),
    total: subtotal.add(tax).toFixed(digits),
    lines: Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, v.toFixed(digits)])),
  };
}

function engineTotal(input: InvoiceInput) {
  const invoice = computeInvoice(input);
  const f = (minor: bigint) => unitsToDecimal(minor, invoice.digits);
  return { invoice, subtotal: f(invoice.subtotalMinor), tax: f(invoice.taxMinor), total: f(invoice.totalMinor) };
}

function expectAgreement(input: InvoiceInput, digits: number) {
  const plain = plainTotal(input, digits);
  const engine = engineTotal(input);
  expect({ subtotal: engine.subtotal, tax: engine.tax, total: engine.total }).toEqual({ subtotal: plain.subtotal, tax: plain.tax, total: plain.total });
  return engine;
}

describe('computeInvoice: golden invoices agree to the cent with the plain calculation', () => {
  it("the README's Melbourne scenario: a pool deleted mid-October (31 days less an hour), usage under what is included, a dedicated box from the 10th", () => {
    const input: InvoiceInput = {
      period: billingPeriod('2026-10', 'Australia/Melbourne'),
      prices: [AUD],
      taxRate: '0.10',
      pools: [
        pool({
          sizes: [{ at: t('2026-09-20T00:00:00Z'), size: size(4096, 4, 80, 2000) }, { at: t('2026-10-15T03:00:00Z'), size: null }],
          usage: { cpuMs: 1_800_500n, bytesRead: 1_000_000n, bytesWritten: 2_000_000n, netOutBytes: 3_000_000n, netInBytes: 400_000n },
        }),
      ],
      dedicated: [{ id: 'd1', name: 'box1', from: t('2026-10-10T00:00:00Z'), to: null, monthlyPrice: '120.00' }],
    };
    const { invoice, total } = expectAgreement(input, 2);
    expect(input.period.seconds).toBe(BigInt(31 * 86400 - 3600));
    expect(invoice.lines.map((l) => `${l.subjectName}/${l.kind}`)).toEqual(['web/ram', 'web/vcpu', 'web/disk', 'web/transfer-allowance', 'box1/dedicated']);
    // 1256400 s of 2674800 s: ram 4 GiB x 5.00 = 9.39..., vcpu 16 x f = 7.51..., disk 6.4 x f = 3.006..., allowance 4 x f = 1.878...; box 1861200/2674800 x 120
    expect(invoice.lines.map((l) => unitsToDecimal(l.amountMinor, 2))).toEqual(['9.39', '7.52', '3.01', '1.88', '83.50']);
    expect(total).toBe('115.83');
  });

  it('a server ordered mid-month with overage on CPU, IO and pooled transfer (UTC)', () => {
    const input: InvoiceInput = {
      period: billingPeriod('2026-11'),
      prices: [AUD],
      taxRate: '0.19',
      pools: [pool({ sizes: [{ at: t('2026-11-12T08:30:00Z'), size: size(2048, 2, 40, 100) }], usage: { cpuMs: 3_600_000n * 700n, bytesRead: 300_000_000_000n, bytesWritten: 250_000_000_123n, netOutBytes: 412_345_678_901n, netInBytes: 5n } })],
      dedicated: [],
    };
    const { invoice } = expectAgreement(input, 2);
    expect(invoice.lines.map((l) => l.kind)).toEqual(['ram', 'vcpu', 'disk', 'transfer-allowance', 'cpu-overage', 'io-overage', 'transfer-overage']);
  });

  it('a pool resized twice and a price change mid-month: one line per (pool, kind, version)', () => {
    const v2: PriceVersion = { ...AUD, id: 'v2', effectiveFrom: t('2026-11-20T00:00:00Z'), prices: { ...AUD.prices, ramGibMonth: '6.00', cpuHour: '0.02' } };
    const input: InvoiceInput = {
      period: billingPeriod('2026-11'),
      prices: [AUD, v2],
      taxRate: '0.10',
      pools: [
        pool({
          sizes: [
            { at: t('2026-10-01T00:00:00Z'), size: size(4096, 4, 80, 500) },
            { at: t('2026-11-05T13:17:29Z'), size: size(8192, 6, 80, 500) },
            { at: t('2026-11-25T00:00:01Z'), size: size(2048, 2, 40, 500) },
          ],
          usage: { ...NO_USAGE, cpuMs: 3_600_000n * 2000n },
        }),
      ],
      dedicated: [],
    };
    const { invoice } = expectAgreement(input, 2);
    expect(invoice.lines.filter((l) => l.kind === 'ram').map((l) => l.priceVersionId)).toEqual(['v1', 'v2']);
    expect(invoice.lines.find((l) => l.kind === 'cpu-overage')!.priceVersionId).toBe('v2');
  });

  it('February of a leap year, in JPY (no minor units)', () => {
    const jpy: PriceVersion = { ...AUD, currency: 'JPY', prices: { ...AUD.prices, ramGibMonth: '600', vcpuMonth: '450', diskGibMonth: '9', transferGbMonth: '0.3', transferOverageGb: '11', cpuHour: '2', ioGb: '3' } };
    const input: InvoiceInput = {
      period: billingPeriod('2028-02', 'Asia/Tokyo'),
      prices: [jpy],
      taxRate: '0.10',
      pools: [pool({ sizes: [{ at: t('2028-02-10T05:00:00Z'), size: size(3072, 3, 50, 1000) }], usage: { ...NO_USAGE, netOutBytes: 2_500_000_000_000n } })],
      dedicated: [],
    };
    expect(input.period.seconds).toBe(29n * 86400n);
    const { total } = expectAgreement(input, 0);
    expect(total).toMatch(/^\d+$/);
  });

  it("Melbourne's April (30 days and an hour) with a 95th percentile pool", () => {
    const period = billingPeriod('2026-04', 'Australia/Melbourne');
    expect(period.seconds).toBe(BigInt(30 * 86400 + 3600));
    const bandwidth = Array.from({ length: 2000 }, (_, i) => ({ start: period.start + i * 300_000, inBytes: BigInt((i * 7919) % 1000) * 1_000_000n, outBytes: BigInt((i * 104729) % 1300) * 1_000_000n }));
    const input: InvoiceInput = {
      period,
      prices: [AUD],
      taxRate: '0',
      pools: [pool({ billing: 'p95', sizes: [{ at: t('2026-01-01T00:00:00Z'), size: size(1024, 1, 20, 3000) }], bandwidth })],
      dedicated: [],
    };
    const { invoice } = expectAgreement(input, 2);
    expect(invoice.lines.map((l) => l.kind)).toEqual(['ram', 'vcpu', 'disk', 'bandwidth-p95']);
    expect(invoice.lines.at(-1)!.sources.bandwidth).toMatchObject({ intervals: 2000, position: 1900 });
  });

  it('a customer with no usage and no pools has an empty invoice', () => {
    const { invoice } = expectAgreement({ period: billingPeriod('2026-11'), prices: [AUD], taxRate: '0.10', pools: [], dedicated: [] }, 2);
    expect(invoice.lines).toEqual([]);
    expect(invoice.totalMinor).toBe(0n);
  });
});

describe('computeInvoice: properties', () => {
  const period = billingPeriod('2026-10', 'Australia/Melbourne');
  it('splitting size spans differently (repeating a size at more instants) gives the same lines and total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: Number(period.seconds) - 1 }), { maxLength: 12 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: Number(period.seconds) - 1 }), ram: fc.integer({ min: 128, max: 65536 }), vcpus: fc.integer({ min: 1, max: 32 }) }), { minLength: 1, maxLength: 5 }),
        (extraCuts, changes) => {
          const sizes: SizeChange[] = changes
            .map((c) => ({ at: period.start + c.at * 1000, size: size(c.ram, c.vcpus, 50, 100) }))
            .sort((a, b) => a.at - b.at);
          const base = computeInvoice({ period, prices: [AUD], taxRate: '0.10', pools: [pool({ sizes })], dedicated: [] });
          // The same step function with redundant changes inserted.
          const redundant = [...sizes];
          for (const cut of extraCuts) {
            const at = period.start + cut * 1000;
            const current = [...sizes].filter((c) => c.at <= at).pop();
            if (current) redundant.push({ at, size: current.size });
          }
          redundant.sort((a, b) => a.at - b.at);
          const split = computeInvoice({ period, prices: [AUD], taxRate: '0.10', pools: [pool({ sizes: redundant })], dedicated: [] });
          expect(split.totalMinor).toBe(base.totalMinor);
          expect(split.lines.map((l) => l.quantity.toFixed(12))).toEqual(base.lines.map((l) => l.quantity.toFixed(12)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

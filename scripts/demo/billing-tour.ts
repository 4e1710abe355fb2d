/**
 * The demo's billing chapter: the previous month invoiced from the seeded history. The
 * operator makes sure a price version covers the month, sets each customer's tax and the
 * dedicated rental's monthly price, runs the invoice run (the same call as the scheduled
 * run makes), then shows the invoices, saves their PDFs and reads the margin report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoContext } from './demo-context';
import type { DemoCustomer } from './operator-setup';
import { textTable } from './text-table';

interface PriceVersion {
  id: string;
  effectiveFrom: string;
  currency: string;
}

interface InvoiceLine {
  n: number;
  pool: string;
  kind: string;
  period: string;
  adjustment: boolean;
  quantity: string;
  unit: string;
  unitPrice: string;
  amount: string;
}

interface Invoice {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  period: string;
  currency: string;
  subtotal: string;
  tax: string;
  total: string;
  lines: InvoiceLine[];
}

interface MarginReport {
  month: string;
  currency: string | null;
  hosts: { name: string; revenue: string; cost: string; margin: string | null; note: string | null }[];
  unattributedRevenue: string;
  totals: { revenue: string; cost: string; margin: string | null };
  basis: string;
}

/** The month before the one `now` is in (UTC), as YYYY-MM. */
export function previousMonth(now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

const DEMO_PRICES = {
  currency: 'EUR',
  ramGibMonth: '5.00',
  vcpuMonth: '4.00',
  diskGibMonth: '0.08',
  transferGbMonth: '0.002',
  transferOverageGb: '0.10',
  cpuHour: '0.015',
  includedCpuHoursPerVcpuMonth: '200',
  ioGb: '0.001',
  includedIoGbPerDiskGibMonth: '10',
  bandwidthMbitMonth: '1.50',
};

/** A price version in force at the start of `month`: the operator's own when there is one, else the demo's (from that instant). */
export async function ensurePrices(ctx: DemoContext, month: string): Promise<PriceVersion> {
  const start = `${month}-01T00:00:00.000Z`;
  const versions = await ctx.operator.get<PriceVersion[]>('/v1/price-book');
  const inForce = versions.filter((v) => Date.parse(v.effectiveFrom) <= Date.parse(start)).sort((a, b) => Date.parse(b.effectiveFrom) - Date.parse(a.effectiveFrom))[0];
  if (inForce) {
    ctx.narrator.detail(`price version ${inForce.id.slice(0, 8)} (${inForce.currency}, from ${inForce.effectiveFrom}) is in force: using the operator's prices`);
    return inForce;
  }
  const created = await ctx.operator.post<PriceVersion>('/v1/price-book', { effectiveFrom: start, ...DEMO_PRICES }, ctx.key('price-book'));
  ctx.narrator.detail(
    `price version from ${created.effectiveFrom} in EUR: RAM 5.00/GiB-month, vCPU 4.00, disk 0.08/GiB, transfer 0.002/GB of allowance and 0.10/GB beyond, ` +
      'CPU 0.015/h beyond 200 h per vCPU-month, IO 0.001/GB beyond 10 GB per GiB-month',
  );
  return created;
}

export async function setTaxRate(ctx: DemoContext, customer: DemoCustomer, taxRate: string): Promise<void> {
  await ctx.operator.patch(`/v1/customers/${customer.id}`, { taxRate }, ctx.key(`tax-${customer.id}`));
  ctx.narrator.detail(`${customer.name}: tax ${Number(taxRate) * 100}% on each invoice`);
}

export async function setMonthlyPrice(ctx: DemoContext, poolId: string, monthlyPrice: string, what: string): Promise<void> {
  await ctx.operator.patch(`/v1/pools/${poolId}`, { monthlyPrice }, ctx.key(`rent-${poolId}`));
  ctx.narrator.detail(`${what}: rented at ${monthlyPrice} a month, prorated to the second`);
}

/** `POST /v1/billing/runs`, then this run's customers' invoices with their lines, and their PDFs saved under `dir`. */
export async function invoiceMonth(ctx: DemoContext, month: string, customers: DemoCustomer[], dir: string): Promise<Invoice[]> {
  const run = await ctx.operator.post<{ runId: string; issued: number; invoices: Invoice[] }>('/v1/billing/runs', { period: month }, ctx.key(`run-${month}`));
  const ours = run.invoices.filter((i) => customers.some((c) => c.id === i.customerId));
  ctx.narrator.detail(`invoice run ${month}: ${run.invoices.length} invoice(s) in the period, ${run.issued} issued by this call${run.issued < ours.length ? ' (the worker\'s scheduled run issued the others first)' : ''}`);
  if (ours.length === 0) {
    ctx.narrator.detail(`${month} was invoiced before this demo's customers existed; their usage of it goes on their next invoice as adjustment lines`);
    return ours;
  }
  ctx.narrator.detail(textTable(['number', 'customer', 'currency', 'subtotal', 'tax', 'total', 'lines'], ours.map((i) => [i.number, i.customerName, i.currency, i.subtotal, i.tax, i.total, String(i.lines.length)]), [3, 4, 5, 6]));
  mkdirSync(dir, { recursive: true });
  for (const invoice of ours) {
    const customer = customers.find((c) => c.id === invoice.customerId)!;
    ctx.narrator.detail(`${invoice.number} (${customer.name}), as the customer reads it:`);
    ctx.narrator.detail(
      textTable(
        ['#', 'pool', 'kind', 'quantity', 'unit', 'unit price', 'amount'],
        invoice.lines.map((l) => [String(l.n), l.pool, `${l.kind}${l.adjustment ? ` (${l.period})` : ''}`, l.quantity, l.unit, l.unitPrice, l.amount]),
        [0, 3, 5, 6],
      ),
    );
    const pdf = await customer.api.document(`/v1/invoices/${invoice.id}.pdf`);
    if (!pdf.contentType.startsWith('application/pdf') || pdf.body.subarray(0, 5).toString() !== '%PDF-') throw new Error(`${invoice.number}.pdf is not a PDF (${pdf.contentType})`);
    const file = join(dir, `${invoice.number}.pdf`);
    writeFileSync(file, pdf.body);
    ctx.narrator.detail(`open ${file} (${pdf.body.length} bytes); why a line costs what it does: GET /v1/invoices/${invoice.id}/lines/1/sources`);
  }
  return ours;
}

/** `GET /v1/reports/margin`: what each host earned in the month against what it costs. */
export async function printMargin(ctx: DemoContext, month: string): Promise<MarginReport> {
  const report = await ctx.operator.get<MarginReport>(`/v1/reports/margin?month=${month}`);
  ctx.narrator.detail(`${report.month}, ${report.currency ?? 'no revenue'}: ${report.basis}`);
  ctx.narrator.detail(textTable(['host', 'revenue', 'cost', 'margin', 'note'], report.hosts.map((h) => [h.name, h.revenue, h.cost, h.margin ?? '-', h.note ?? '']), [1, 2, 3]));
  ctx.narrator.detail(`all hosts: revenue ${report.totals.revenue}, cost ${report.totals.cost}, margin ${report.totals.margin ?? '-'}; not attributable to a host: ${report.unattributedRevenue}`);
  return report;
}

import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock, ConflictError, ForbiddenError, InvalidInputError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { Actor, BilledCustomers, scopeOf } from '@carve/tenancy';
import { PriceBook } from '../price-book/price-book.service';
import { billingPeriod, monthContaining } from '../rules/billing-period';
import { computeOrExplain } from './compute-or-explain';
import { unitsToDecimal } from '../rules/rational';
import { BillingInputs } from './billing-inputs';
import { InvoiceLineRow, InvoiceRepository, InvoiceRow, InvoiceRunRow } from './invoice.repository';

export interface InvoiceLineView {
  n: number;
  /** The pool's name, or the dedicated pool's. */
  pool: string;
  poolId: string | null;
  kind: string;
  /** The period the line bills: the invoice's, or an earlier one for an adjustment. */
  period: string;
  adjustment: boolean;
  quantity: string;
  unit: string;
  unitPrice: string;
  amount: string;
  priceVersionId: string | null;
}

export interface InvoiceView {
  id: string;
  number: string;
  customerId: string;
  customerName: string;
  period: string;
  timeZone: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  taxRate: string;
  subtotal: string;
  tax: string;
  total: string;
  issuedAt: string;
  lines: InvoiceLineView[];
  /** Credit notes issued against the invoice, in number order. */
  creditNotes: InvoiceCreditNoteView[];
}

export interface InvoiceCreditNoteView {
  id: string;
  number: string;
  reason: string;
  total: string;
  issuedAt: string;
}

export interface InvoiceRunView {
  id: string;
  period: string;
  timeZone: string;
  status: InvoiceRunRow['status'];
  trigger: string;
  /** Final invoices of the period when the run finished. */
  invoices: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface InvoicePreview extends Omit<InvoiceView, 'id' | 'number' | 'issuedAt' | 'creditNotes'> {
  estimate: true;
  /** Usage and sizes are counted up to this instant. */
  through: string;
}

/** Decimals of a stored exact quantity, without trailing zeros ("1.500000000000" -> "1.5"). */
function trim(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
}

function digitsOf(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function lineView(line: InvoiceLineRow, digits: number): InvoiceLineView {
  return {
    n: line.n,
    pool: line.subjectName,
    poolId: line.subjectId,
    kind: line.kind,
    period: line.period,
    adjustment: line.adjustment,
    quantity: trim(line.quantity),
    unit: line.unit,
    unitPrice: trim(line.unitPrice),
    amount: unitsToDecimal(line.amountMinor, digits),
    priceVersionId: line.priceVersionId,
  };
}

/** What customers and the operator read about invoices: scoped in the repository, amounts as decimal strings in major units. */
@Injectable()
export class InvoiceViews {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly customers: BilledCustomers,
    private readonly inputs: BillingInputs,
    private readonly priceBook: PriceBook,
    private readonly clock: Clock,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {}

  async list(actor: Actor, page: PageRequest, filter: { customerId?: string; period?: string } = {}): Promise<Page<InvoiceView>> {
    const rows = await this.invoices.list(scopeOf(actor), page, filter);
    const views = new Map((await this.views(rows.slice(0, page.limit))).map((v) => [v.id, v]));
    return toPage(
      rows.map((r) => ({ ...r, createdAt: r.issuedAt! })),
      page.limit,
      (r) => views.get(r.id)!,
    );
  }

  /** The operator's invoice runs, newest first. */
  async runs(actor: Actor, page: PageRequest): Promise<Page<InvoiceRunView>> {
    if (actor.customerId !== null) throw new ForbiddenError('Only the operator reads invoice runs.');
    const rows = await this.invoices.runs(page);
    return toPage(
      rows.map((r) => ({ ...r, createdAt: r.startedAt })),
      page.limit,
      (r) => ({
        id: r.id,
        period: r.period,
        timeZone: r.timeZone,
        status: r.status,
        trigger: r.trigger,
        invoices: r.invoices,
        startedAt: r.startedAt.toISOString(),
        finishedAt: r.finishedAt?.toISOString() ?? null,
        error: r.error,
      }),
    );
  }

  /** Every final invoice of a period in number order, with the customer's contact email (the accountant's export). */
  async ofPeriod(actor: Actor, period: string): Promise<(InvoiceView & { customerEmail: string | null })[]> {
    if (actor.customerId !== null) throw new ForbiddenError('Only the operator exports a period.');
    const rows = await this.invoices.finalOfPeriod(period);
    const customers = await this.customers.byIds([...new Set(rows.map((r) => r.customerId))]);
    return (await this.views(rows)).map((v) => ({ ...v, customerEmail: customers.get(v.customerId)?.contactEmail ?? null }));
  }

  async get(actor: Actor, id: string): Promise<InvoiceView> {
    const row = await this.invoices.findInScope(scopeOf(actor), id);
    if (!row) throw new NotFoundError('invoice', id);
    return (await this.views([row]))[0]!;
  }

  /** The stored sources of one line: the size spans or usage totals it was computed from. */
  async sources(actor: Actor, id: string, n: number): Promise<{ invoiceId: string; n: number; kind: string; period: string; sources: unknown }> {
    const row = await this.invoices.findInScope(scopeOf(actor), id);
    if (!row) throw new NotFoundError('invoice', id);
    const line = (await this.invoices.lines([row.id])).get(row.id)!.find((l) => l.n === n);
    if (!line) throw new NotFoundError('invoice line', `${id}/${n}`);
    return { invoiceId: row.id, n, kind: line.kind, period: line.period, sources: line.sources };
  }

  /** The current month so far, computed by the same rules as the invoice will be. */
  async preview(actor: Actor, customerId?: string): Promise<InvoicePreview> {
    const target = actor.customerId ?? customerId;
    if (!target) throw new InvalidInputError([{ field: 'query.customerId', message: 'is required for the operator: whose month to estimate' }]);
    if (actor.customerId !== null && customerId !== undefined && customerId !== actor.customerId) throw new ForbiddenError('Customers see only their own estimate.');
    if (!(await this.customers.byIds([target])).has(target)) throw new NotFoundError('customer', target);
    const now = this.clock.now().getTime();
    const period = billingPeriod(monthContaining(now, this.config.billingTimeZone), this.config.billingTimeZone);
    const through = Math.floor(now / 300_000) * 300_000;
    const prices = await this.priceBook.versions();
    if (prices.length === 0) throw new ConflictError('no_price_book', 'The operator has not set any prices yet (POST /v1/price-book).');
    const { input, customerName } = await this.inputs.forCustomer(target, period, prices, Math.max(through, period.start + 1000));
    const computed = computeOrExplain(input);
    const f = (minor: bigint) => unitsToDecimal(minor, computed.digits);
    return {
      estimate: true,
      through: new Date(through).toISOString(),
      customerId: target,
      customerName,
      period: period.month,
      timeZone: period.timeZone,
      periodStart: new Date(period.start).toISOString(),
      periodEnd: new Date(period.end).toISOString(),
      currency: computed.currency,
      taxRate: input.taxRate,
      subtotal: f(computed.subtotalMinor),
      tax: f(computed.taxMinor),
      total: f(computed.totalMinor),
      lines: computed.lines.map((l, i) =>
        lineView({ n: i + 1, subjectId: l.subjectId, subjectName: l.subjectName, kind: l.kind, priceVersionId: l.priceVersionId, quantity: l.quantity.toFixed(12), unit: l.unit, unitPrice: l.unitPrice.toFixed(12), amountMinor: l.amountMinor, period: period.month, adjustment: false, sources: l.sources }, computed.digits),
      ),
    };
  }

  async views(rows: readonly InvoiceRow[]): Promise<InvoiceView[]> {
    const lines = await this.invoices.lines(rows.map((r) => r.id));
    const creditNotes = await this.invoices.creditNotesOf(rows.map((r) => r.id));
    const customers = await this.customers.byIds([...new Set(rows.map((r) => r.customerId))]);
    return rows.map((r) => {
      const digits = digitsOf(r.currency);
      return {
        id: r.id,
        number: r.number!,
        customerId: r.customerId,
        customerName: customers.get(r.customerId)?.name ?? '',
        period: r.period,
        timeZone: r.timeZone,
        periodStart: r.periodStart.toISOString(),
        periodEnd: r.periodEnd.toISOString(),
        currency: r.currency,
        taxRate: trim(r.taxRate),
        subtotal: unitsToDecimal(r.subtotalMinor, digits),
        tax: unitsToDecimal(r.taxMinor, digits),
        total: unitsToDecimal(r.totalMinor, digits),
        issuedAt: r.issuedAt!.toISOString(),
        lines: (lines.get(r.id) ?? []).map((l) => lineView(l, digits)),
        creditNotes: (creditNotes.get(r.id) ?? []).map((c) => ({ id: c.id, number: c.number, reason: c.reason, total: unitsToDecimal(c.totalMinor, digits), issuedAt: c.issuedAt.toISOString() })),
      };
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { TenantScope } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';

export interface InvoiceLineRow {
  n: number;
  subjectId: string | null;
  subjectName: string;
  kind: string;
  priceVersionId: string | null;
  /** Exact decimal strings. */
  quantity: string;
  unit: string;
  unitPrice: string;
  amountMinor: bigint;
  /** The period the line belongs to: the invoice's, or an earlier one for an adjustment. */
  period: string;
  adjustment: boolean;
  sources: unknown;
}

export interface InvoiceRow {
  id: string;
  number: string | null;
  customerId: string;
  period: string;
  timeZone: string;
  periodStart: Date;
  periodEnd: Date;
  currency: string;
  taxRate: string;
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  status: 'draft' | 'final';
  runId: string | null;
  createdAt: Date;
  issuedAt: Date | null;
}

/** A credit note as the invoice lists it. */
export interface InvoiceCreditNoteRow {
  id: string;
  invoiceId: string;
  number: string;
  reason: string;
  totalMinor: bigint;
  issuedAt: Date;
}

export interface InvoiceRunRow {
  id: string;
  period: string;
  timeZone: string;
  status: 'running' | 'finished' | 'failed';
  trigger: string;
  invoices: number;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/** An invoice line of a period with what the margin report needs of its invoice. */
export interface PeriodLineRow extends InvoiceLineRow {
  invoiceId: string;
  customerId: string;
  currency: string;
}

export type NewInvoice = Omit<InvoiceRow, 'id' | 'number' | 'status' | 'createdAt' | 'issuedAt'>;

/** The customer a scope is limited to; null for the operator, who sees all. */
function scopedCustomer(scope: TenantScope): string | null {
  return scope.kind === 'customer' ? scope.customerId : null;
}

function toInvoice(r: Record<string, unknown>): InvoiceRow {
  return {
    id: r.id as string,
    number: (r.number as string | null) ?? null,
    customerId: r.customer_id as string,
    period: r.period as string,
    timeZone: r.time_zone as string,
    periodStart: new Date(r.period_start as Date),
    periodEnd: new Date(r.period_end as Date),
    currency: String(r.currency),
    taxRate: String(r.tax_rate),
    subtotalMinor: BigInt(r.subtotal_minor as string),
    taxMinor: BigInt(r.tax_minor as string),
    totalMinor: BigInt(r.total_minor as string),
    status: r.status as InvoiceRow['status'],
    runId: (r.run_id as string | null) ?? null,
    createdAt: new Date(r.created_at as Date),
    issuedAt: r.issued_at ? new Date(r.issued_at as Date) : null,
  };
}

function toLine(r: Record<string, unknown>): InvoiceLineRow {
  return {
    n: Number(r.n),
    subjectId: (r.subject_id as string | null) ?? null,
    subjectName: r.subject_name as string,
    kind: r.kind as string,
    priceVersionId: (r.price_version_id as string | null) ?? null,
    quantity: String(r.quantity),
    unit: r.unit as string,
    unitPrice: String(r.unit_price),
    amountMinor: BigInt(r.amount_minor as string),
    period: r.period as string,
    adjustment: Boolean(r.adjustment),
    sources: r.sources,
  };
}

const SELECT = `SELECT id, number, customer_id, period, time_zone, period_start, period_end, currency, tax_rate::text AS tax_rate,
  subtotal_minor::text AS subtotal_minor, tax_minor::text AS tax_minor, total_minor::text AS total_minor, status, run_id, created_at, issued_at FROM invoices`;

/**
 * Invoices and their lines. Customer-facing reads take a TenantScope; the run works by
 * customer id. Numbers come from one gapless sequence row, taken in the transaction that
 * finalises the invoice, so a rolled-back finalisation leaves no hole.
 */
@Injectable()
export class InvoiceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async forCustomerPeriod(manager: EntityManager, customerId: string, period: string): Promise<InvoiceRow | undefined> {
    const [row] = await manager.query(`${SELECT} WHERE customer_id = $1 AND period = $2 FOR UPDATE`, [customerId, period]);
    return row ? toInvoice(row) : undefined;
  }

  async deleteDraft(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM invoices WHERE id = $1 AND status = 'draft'`, [id]);
  }

  async insertDraft(manager: EntityManager, invoice: NewInvoice, lines: readonly InvoiceLineRow[]): Promise<string> {
    const [{ id }] = await manager.query(
      `INSERT INTO invoices (customer_id, period, time_zone, period_start, period_end, currency, tax_rate, subtotal_minor, tax_minor, total_minor, status, run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11) RETURNING id`,
      [invoice.customerId, invoice.period, invoice.timeZone, invoice.periodStart, invoice.periodEnd, invoice.currency, invoice.taxRate, String(invoice.subtotalMinor), String(invoice.taxMinor), String(invoice.totalMinor), invoice.runId],
    );
    if (lines.length > 0) {
      await manager.query(
        `INSERT INTO invoice_lines (invoice_id, n, subject_id, subject_name, kind, price_version_id, quantity, unit, unit_price, amount_minor, period, adjustment, sources)
         SELECT $1, * FROM unnest($2::int[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::numeric[], $8::text[], $9::numeric[], $10::bigint[], $11::text[], $12::bool[], $13::jsonb[])`,
        [
          id,
          lines.map((l) => l.n),
          lines.map((l) => l.subjectId),
          lines.map((l) => l.subjectName),
          lines.map((l) => l.kind),
          lines.map((l) => l.priceVersionId),
          lines.map((l) => l.quantity),
          lines.map((l) => l.unit),
          lines.map((l) => l.unitPrice),
          lines.map((l) => String(l.amountMinor)),
          lines.map((l) => l.period),
          lines.map((l) => l.adjustment),
          lines.map((l) => JSON.stringify(l.sources)),
        ],
      );
    }
    return id;
  }

  /** Gives the draft the next number and makes it final, in the caller's transaction. */
  async finalise(manager: EntityManager, id: string, issuedAt: Date): Promise<InvoiceRow> {
    // One statement: the sequence row's update is carried out whether or not the invoice matches, and an invoice not
    // draft (no row back) fails the caller's transaction, which takes the number back with it.
    const [[row]] = await manager.query(
      `WITH s AS (UPDATE billing_sequences SET next_value = next_value + 1 WHERE name = 'invoice' RETURNING next_value - 1 AS value)
       UPDATE invoices SET status = 'final', number = 'INV-' || $2::text || '-' || CASE WHEN length(s.value::text) >= 6 THEN s.value::text ELSE lpad(s.value::text, 6, '0') END,
              sequence = s.value, issued_at = $3
         FROM s WHERE invoices.id = $1 AND invoices.status = 'draft' RETURNING invoices.*, invoices.tax_rate::text AS tax_rate`,
      [id, String(issuedAt.getUTCFullYear()), issuedAt],
    );
    if (!row) throw new Error(`invoice ${id} is not a draft`);
    return toInvoice(row);
  }

  async finalOfPeriod(period: string): Promise<InvoiceRow[]> {
    return (await this.db.query(`${SELECT} WHERE period = $1 AND status = 'final' ORDER BY sequence`, [period])).map(toInvoice);
  }

  async lines(invoiceIds: readonly string[]): Promise<Map<string, InvoiceLineRow[]>> {
    const out = new Map<string, InvoiceLineRow[]>(invoiceIds.map((id) => [id, []]));
    if (invoiceIds.length === 0) return out;
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT invoice_id, n, subject_id, subject_name, kind, price_version_id, quantity::text AS quantity, unit, unit_price::text AS unit_price,
              amount_minor::text AS amount_minor, period, adjustment, sources FROM invoice_lines WHERE invoice_id = ANY($1::uuid[]) ORDER BY invoice_id, n`,
      [[...invoiceIds]],
    );
    for (const r of rows) out.get(r.invoice_id as string)!.push(toLine(r));
    return out;
  }

  /** Every line billed so far for a customer's period (its invoice and adjustments on later ones). */
  async billedFor(customerId: string, period: string): Promise<InvoiceLineRow[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT l.n, l.subject_id, l.subject_name, l.kind, l.price_version_id, l.quantity::text AS quantity, l.unit, l.unit_price::text AS unit_price,
              l.amount_minor::text AS amount_minor, l.period, l.adjustment, l.sources
         FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
        WHERE i.customer_id = $1 AND i.status = 'final' AND l.period = $2`,
      [customerId, period],
    );
    return rows.map(toLine);
  }

  /** billedFor for many customers in one statement: customer id -> its lines (empty for a customer without any). */
  async billedForCustomers(customerIds: readonly string[], period: string): Promise<Map<string, InvoiceLineRow[]>> {
    const out = new Map<string, InvoiceLineRow[]>(customerIds.map((id) => [id, []]));
    if (customerIds.length === 0) return out;
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT i.customer_id, l.n, l.subject_id, l.subject_name, l.kind, l.price_version_id, l.quantity::text AS quantity, l.unit, l.unit_price::text AS unit_price,
              l.amount_minor::text AS amount_minor, l.period, l.adjustment, l.sources
         FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
        WHERE i.customer_id = ANY($1::uuid[]) AND i.status = 'final' AND l.period = $2`,
      [[...customerIds], period],
    );
    for (const r of rows) out.get(r.customer_id as string)?.push(toLine(r));
    return out;
  }

  /** The invoices of these customers for the period, locked for the rest of the caller's transaction: customer id -> invoice. */
  async forCustomersPeriod(manager: EntityManager, customerIds: readonly string[], period: string): Promise<Map<string, InvoiceRow>> {
    const rows: Record<string, unknown>[] = await manager.query(`${SELECT} WHERE customer_id = ANY($1::uuid[]) AND period = $2 ORDER BY customer_id FOR UPDATE`, [[...customerIds], period]);
    return new Map(rows.map((r) => [r.customer_id as string, toInvoice(r)]));
  }

  async deleteDrafts(manager: EntityManager, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await manager.query(`DELETE FROM invoices WHERE id = ANY($1::uuid[]) AND status = 'draft'`, [[...ids]]);
  }

  /** insertDraft for many invoices, in two statements whatever their number: their ids, in the order given. */
  async insertDrafts(manager: EntityManager, drafts: readonly { invoice: NewInvoice; lines: readonly InvoiceLineRow[] }[]): Promise<string[]> {
    if (drafts.length === 0) return [];
    const inserted: { id: string; customer_id: string }[] = await manager.query(
      `INSERT INTO invoices (customer_id, period, time_zone, period_start, period_end, currency, tax_rate, subtotal_minor, tax_minor, total_minor, status, run_id)
       SELECT customer_id, period, time_zone, period_start, period_end, currency, tax_rate, subtotal_minor, tax_minor, total_minor, 'draft', run_id
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::numeric[], $8::bigint[], $9::bigint[], $10::bigint[], $11::uuid[])
           AS d(customer_id, period, time_zone, period_start, period_end, currency, tax_rate, subtotal_minor, tax_minor, total_minor, run_id)
       RETURNING id, customer_id`,
      [
        drafts.map((d) => d.invoice.customerId),
        drafts.map((d) => d.invoice.period),
        drafts.map((d) => d.invoice.timeZone),
        drafts.map((d) => d.invoice.periodStart),
        drafts.map((d) => d.invoice.periodEnd),
        drafts.map((d) => d.invoice.currency),
        drafts.map((d) => d.invoice.taxRate),
        drafts.map((d) => String(d.invoice.subtotalMinor)),
        drafts.map((d) => String(d.invoice.taxMinor)),
        drafts.map((d) => String(d.invoice.totalMinor)),
        drafts.map((d) => d.invoice.runId),
      ],
    );
    // One invoice per customer and period (a unique key), so the customer names the row.
    const idOf = new Map(inserted.map((r) => [r.customer_id, r.id]));
    const ids = drafts.map((d) => idOf.get(d.invoice.customerId)!);
    const lines = drafts.flatMap((d, i) => d.lines.map((l) => ({ id: ids[i]!, l })));
    if (lines.length > 0) {
      await manager.query(
        `INSERT INTO invoice_lines (invoice_id, n, subject_id, subject_name, kind, price_version_id, quantity, unit, unit_price, amount_minor, period, adjustment, sources)
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::numeric[], $8::text[], $9::numeric[], $10::bigint[], $11::text[], $12::bool[], $13::jsonb[])`,
        [
          lines.map((x) => x.id),
          lines.map((x) => x.l.n),
          lines.map((x) => x.l.subjectId),
          lines.map((x) => x.l.subjectName),
          lines.map((x) => x.l.kind),
          lines.map((x) => x.l.priceVersionId),
          lines.map((x) => x.l.quantity),
          lines.map((x) => x.l.unit),
          lines.map((x) => x.l.unitPrice),
          lines.map((x) => String(x.l.amountMinor)),
          lines.map((x) => x.l.period),
          lines.map((x) => x.l.adjustment),
          lines.map((x) => JSON.stringify(x.l.sources)),
        ],
      );
    }
    return ids;
  }

  async findInScope(scope: TenantScope, id: string): Promise<InvoiceRow | undefined> {
    const [row] = await this.db.query(`${SELECT} WHERE id = $1 AND status = 'final' AND ($2::uuid IS NULL OR customer_id = $2)`, [id, scopedCustomer(scope)]);
    return row ? toInvoice(row) : undefined;
  }

  /** Newest first, keyset by (issued_at, id): the page cursor's time is the issue time. Returns up to limit + 1 rows. */
  async list(scope: TenantScope, page: PageRequest, filter: { customerId?: string; period?: string } = {}): Promise<InvoiceRow[]> {
    const after = page.after ? { issuedAt: page.after.createdAt, id: page.after.id } : undefined;
    const limit = page.limit + 1;
    const rows = await this.db.query(
      `${SELECT} WHERE status = 'final' AND ($1::uuid IS NULL OR customer_id = $1) AND ($2::uuid IS NULL OR customer_id = $2) AND ($3::text IS NULL OR period = $3)
         AND ($4::timestamptz IS NULL OR (issued_at, id) < ($4, $5::uuid))
       ORDER BY issued_at DESC, id DESC LIMIT $6`,
      [scopedCustomer(scope), filter.customerId ?? null, filter.period ?? null, after?.issuedAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(toInvoice);
  }

  /** The final invoice locked for the rest of the caller's transaction (a credit note against it is being issued). */
  async lockFinal(manager: EntityManager, scope: TenantScope, id: string): Promise<InvoiceRow | undefined> {
    const [row] = await manager.query(`${SELECT} WHERE id = $1 AND status = 'final' AND ($2::uuid IS NULL OR customer_id = $2) FOR UPDATE`, [id, scopedCustomer(scope)]);
    return row ? toInvoice(row) : undefined;
  }

  /** Invoice id -> its number and tax rate, for final invoices only. */
  async numbers(ids: readonly string[]): Promise<Map<string, { number: string; taxRate: string }>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; number: string; tax_rate: string }[] = await this.db.query(`SELECT id, number, tax_rate::text AS tax_rate FROM invoices WHERE id = ANY($1::uuid[]) AND status = 'final'`, [[...ids]]);
    return new Map(rows.map((r) => [r.id, { number: r.number, taxRate: r.tax_rate }]));
  }

  /** The credit notes issued against each invoice, in number order. */
  async creditNotesOf(invoiceIds: readonly string[]): Promise<Map<string, InvoiceCreditNoteRow[]>> {
    const out = new Map<string, InvoiceCreditNoteRow[]>(invoiceIds.map((id) => [id, []]));
    if (invoiceIds.length === 0) return out;
    const rows: { id: string; invoice_id: string; number: string; reason: string; total_minor: string; issued_at: Date }[] = await this.db.query(
      `SELECT id, invoice_id, number, reason, total_minor::text AS total_minor, issued_at FROM credit_notes WHERE invoice_id = ANY($1::uuid[]) ORDER BY sequence`,
      [[...invoiceIds]],
    );
    for (const r of rows) out.get(r.invoice_id)!.push({ id: r.id, invoiceId: r.invoice_id, number: r.number, reason: r.reason, totalMinor: BigInt(r.total_minor), issuedAt: new Date(r.issued_at) });
    return out;
  }

  /** Invoice runs, newest first, keyset by (started_at, id). Returns up to limit + 1 rows. */
  async runs(page: PageRequest): Promise<InvoiceRunRow[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT id, period, time_zone, status, trigger, invoices, started_at, finished_at, error FROM invoice_runs
        WHERE ($1::timestamptz IS NULL OR (started_at, id) < ($1, $2::uuid))
        ORDER BY started_at DESC, id DESC LIMIT $3`,
      [page.after?.createdAt ?? null, page.after?.id ?? null, page.limit + 1],
    );
    return rows.map((r) => ({
      id: r.id as string,
      period: r.period as string,
      timeZone: r.time_zone as string,
      status: r.status as InvoiceRunRow['status'],
      trigger: r.trigger as string,
      invoices: Number(r.invoices),
      startedAt: new Date(r.started_at as Date),
      finishedAt: r.finished_at ? new Date(r.finished_at as Date) : null,
      error: (r.error as string | null) ?? null,
    }));
  }

  /** Every final line that bills `period` (the period's invoices and adjustments on later ones), without its sources. */
  async linesBilling(period: string): Promise<PeriodLineRow[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT l.invoice_id, i.customer_id, i.currency, l.n, l.subject_id, l.subject_name, l.kind, l.price_version_id, l.quantity::text AS quantity, l.unit,
              l.unit_price::text AS unit_price, l.amount_minor::text AS amount_minor, l.period, l.adjustment, NULL::jsonb AS sources
         FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
        WHERE i.status = 'final' AND l.period = $1 ORDER BY i.sequence, l.n`,
      [period],
    );
    return rows.map((r) => ({ ...toLine(r), invoiceId: r.invoice_id as string, customerId: r.customer_id as string, currency: String(r.currency) }));
  }
}

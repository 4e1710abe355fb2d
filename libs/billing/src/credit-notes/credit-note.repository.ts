import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { TenantScope } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';

export interface CreditNoteLineRow {
  n: number;
  invoiceLine: number | null;
  description: string;
  amountMinor: bigint;
}

export interface CreditNoteRow {
  id: string;
  number: string;
  sequence: bigint;
  invoiceId: string;
  customerId: string;
  reason: string;
  currency: string;
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  issuedAt: Date;
  issuedByUserId: string | null;
}

export type NewCreditNote = Omit<CreditNoteRow, 'id' | 'number' | 'sequence'>;

function toNote(r: Record<string, unknown>): CreditNoteRow {
  return {
    id: r.id as string,
    number: r.number as string,
    sequence: BigInt(r.sequence as string),
    invoiceId: r.invoice_id as string,
    customerId: r.customer_id as string,
    reason: r.reason as string,
    currency: String(r.currency),
    subtotalMinor: BigInt(r.subtotal_minor as string),
    taxMinor: BigInt(r.tax_minor as string),
    totalMinor: BigInt(r.total_minor as string),
    issuedAt: new Date(r.issued_at as Date),
    issuedByUserId: (r.issued_by_user_id as string | null) ?? null,
  };
}

const SELECT = `SELECT id, number, sequence::text AS sequence, invoice_id, customer_id, reason, currency, subtotal_minor::text AS subtotal_minor,
  tax_minor::text AS tax_minor, total_minor::text AS total_minor, issued_at, issued_by_user_id FROM credit_notes`;

function scopedCustomer(scope: TenantScope): string | null {
  return scope.kind === 'customer' ? scope.customerId : null;
}

/**
 * Credit notes and their lines (immutable once inserted: the database refuses updates and
 * deletes). Numbers come from the `credit_note` row of billing_sequences, taken in the
 * transaction that inserts the note, so a rolled-back note leaves no hole.
 */
@Injectable()
export class CreditNoteRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** What earlier notes credited on an invoice, read in the caller's transaction (which holds the invoice row). */
  async creditedOn(manager: EntityManager, invoiceId: string): Promise<{ subtotalMinor: bigint; totalMinor: bigint; byLine: Map<number, bigint> }> {
    const [totals] = await manager.query(
      `SELECT COALESCE(sum(subtotal_minor), 0)::text AS subtotal_minor, COALESCE(sum(total_minor), 0)::text AS total_minor FROM credit_notes WHERE invoice_id = $1`,
      [invoiceId],
    );
    const lines: { invoice_line: number; amount_minor: string }[] = await manager.query(
      `SELECT l.invoice_line, sum(l.amount_minor)::text AS amount_minor FROM credit_note_lines l JOIN credit_notes c ON c.id = l.credit_note_id
        WHERE c.invoice_id = $1 AND l.invoice_line IS NOT NULL GROUP BY l.invoice_line`,
      [invoiceId],
    );
    return {
      subtotalMinor: BigInt(totals.subtotal_minor),
      totalMinor: BigInt(totals.total_minor),
      byLine: new Map(lines.map((l) => [Number(l.invoice_line), BigInt(l.amount_minor)])),
    };
  }

  /** Takes the next number and inserts the note with its lines, in the caller's transaction. */
  async insert(manager: EntityManager, note: NewCreditNote, lines: readonly CreditNoteLineRow[]): Promise<CreditNoteRow> {
    const [[{ value }]] = await manager.query(`UPDATE billing_sequences SET next_value = next_value + 1 WHERE name = 'credit_note' RETURNING (next_value - 1)::text AS value`);
    const number = `CN-${note.issuedAt.getUTCFullYear()}-${String(value).padStart(6, '0')}`;
    const [row] = await manager.query(
      `INSERT INTO credit_notes (number, sequence, invoice_id, customer_id, reason, currency, subtotal_minor, tax_minor, total_minor, issued_at, issued_by_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING id, number, sequence::text AS sequence, invoice_id, customer_id, reason, currency, subtotal_minor::text AS subtotal_minor,
                 tax_minor::text AS tax_minor, total_minor::text AS total_minor, issued_at, issued_by_user_id`,
      [number, value, note.invoiceId, note.customerId, note.reason, note.currency, String(note.subtotalMinor), String(note.taxMinor), String(note.totalMinor), note.issuedAt, note.issuedByUserId],
    );
    await manager.query(
      `INSERT INTO credit_note_lines (credit_note_id, n, invoice_line, description, amount_minor)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::bigint[])`,
      [row.id, lines.map((l) => l.n), lines.map((l) => l.invoiceLine), lines.map((l) => l.description), lines.map((l) => String(l.amountMinor))],
    );
    return toNote(row);
  }

  async findInScope(scope: TenantScope, id: string): Promise<CreditNoteRow | undefined> {
    const [row] = await this.db.query(`${SELECT} WHERE id = $1 AND ($2::uuid IS NULL OR customer_id = $2)`, [id, scopedCustomer(scope)]);
    return row ? toNote(row) : undefined;
  }

  /** Newest first, keyset by (issued_at, id). Returns up to limit + 1 rows. */
  async list(scope: TenantScope, page: PageRequest, filter: { customerId?: string; invoiceId?: string } = {}): Promise<CreditNoteRow[]> {
    const after = page.after;
    const rows = await this.db.query(
      `${SELECT} WHERE ($1::uuid IS NULL OR customer_id = $1) AND ($2::uuid IS NULL OR customer_id = $2) AND ($3::uuid IS NULL OR invoice_id = $3)
         AND ($4::timestamptz IS NULL OR (issued_at, id) < ($4, $5::uuid))
       ORDER BY issued_at DESC, id DESC LIMIT $6`,
      [scopedCustomer(scope), filter.customerId ?? null, filter.invoiceId ?? null, after?.createdAt ?? null, after?.id ?? null, page.limit + 1],
    );
    return rows.map(toNote);
  }

  async lines(noteIds: readonly string[]): Promise<Map<string, CreditNoteLineRow[]>> {
    const out = new Map<string, CreditNoteLineRow[]>(noteIds.map((id) => [id, []]));
    if (noteIds.length === 0) return out;
    const rows: { credit_note_id: string; n: number; invoice_line: number | null; description: string; amount_minor: string }[] = await this.db.query(
      `SELECT credit_note_id, n, invoice_line, description, amount_minor::text AS amount_minor FROM credit_note_lines WHERE credit_note_id = ANY($1::uuid[]) ORDER BY credit_note_id, n`,
      [[...noteIds]],
    );
    for (const r of rows) out.get(r.credit_note_id)!.push({ n: Number(r.n), invoiceLine: r.invoice_line === null ? null : Number(r.invoice_line), description: r.description, amountMinor: BigInt(r.amount_minor) });
    return out;
  }
}

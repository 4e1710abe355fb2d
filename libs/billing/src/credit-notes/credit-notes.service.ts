import { Injectable } from '@nestjs/common';
import { Clock, ForbiddenError, InvalidInputError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { Actor, BilledCustomers, scopeOf } from '@carve/tenancy';
import { lineDescription } from '../documents/invoice-document';
import { InvoiceRepository } from '../invoices/invoice.repository';
import { minorUnitDigits } from '../rules/currency';
import { unitsToDecimal } from '../rules/rational';
import { CreditExceedsInvoiceError } from './credit-note.errors';
import { CreditLineRequest, draftCreditNote } from './credit-note-rules';
import { CreditNoteLineRow, CreditNoteRepository, CreditNoteRow } from './credit-note.repository';

export interface NewCreditNoteRequest {
  reason: string;
  lines: CreditLineRequest[];
}

export interface CreditNoteView {
  id: string;
  number: string;
  invoiceId: string;
  invoiceNumber: string;
  customerId: string;
  customerName: string;
  reason: string;
  currency: string;
  taxRate: string;
  /** Major units with the currency's digits: what the customer is credited. */
  subtotal: string;
  tax: string;
  total: string;
  issuedAt: string;
  lines: { n: number; invoiceLine: number | null; description: string; amount: string }[];
}

/** Decimals of a stored rate without trailing zeros ("0.100" -> "0.1"). */
function trim(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
}

/**
 * Credit notes: the operator corrects a finalised invoice with a note of its own, numbered in
 * its own gapless sequence (CN-2026-000001) and immutable once issued. Customers read their own.
 */
@Injectable()
export class CreditNotes {
  constructor(
    private readonly notes: CreditNoteRepository,
    private readonly invoices: InvoiceRepository,
    private readonly customers: BilledCustomers,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, invoiceId: string, request: NewCreditNoteRequest): Promise<CreditNoteView> {
    if (actor.customerId !== null) throw new ForbiddenError('Only the operator issues credit notes.');
    const note = await this.notes.transaction(async (manager) => {
      // The invoice row stays locked until the note is in: two notes at once cannot both take what is left.
      const invoice = await this.invoices.lockFinal(manager, scopeOf(actor), invoiceId);
      if (!invoice) throw new NotFoundError('invoice', invoiceId);
      const invoiceLines = (await this.invoices.lines([invoice.id])).get(invoice.id) ?? [];
      const credited = await this.notes.creditedOn(manager, invoice.id);
      const draft = draftCreditNote(
        {
          currency: invoice.currency,
          taxRate: invoice.taxRate,
          subtotalMinor: invoice.subtotalMinor,
          totalMinor: invoice.totalMinor,
          lines: invoiceLines.map((l) => ({ n: l.n, amountMinor: l.amountMinor, description: `${l.subjectName}, ${lineDescription(l)}` })),
        },
        credited,
        request.lines,
      );
      if ('kind' in draft) {
        if (draft.kind === 'invalid') throw new InvalidInputError(draft.fields);
        throw new CreditExceedsInvoiceError(invoice.number!, draft.fields);
      }
      return this.notes.insert(
        manager,
        {
          invoiceId: invoice.id,
          customerId: invoice.customerId,
          reason: request.reason,
          currency: invoice.currency,
          subtotalMinor: draft.subtotalMinor,
          taxMinor: draft.taxMinor,
          totalMinor: draft.totalMinor,
          issuedAt: this.clock.now(),
          issuedByUserId: actor.userId,
        },
        draft.lines,
      );
    });
    return (await this.views([note]))[0]!;
  }

  async get(actor: Actor, id: string): Promise<CreditNoteView> {
    const note = await this.notes.findInScope(scopeOf(actor), id);
    if (!note) throw new NotFoundError('credit note', id);
    return (await this.views([note]))[0]!;
  }

  async list(actor: Actor, page: PageRequest, filter: { customerId?: string; invoiceId?: string } = {}): Promise<Page<CreditNoteView>> {
    const rows = await this.notes.list(scopeOf(actor), page, filter);
    const views = new Map((await this.views(rows.slice(0, page.limit))).map((v) => [v.id, v]));
    return toPage(
      rows.map((r) => ({ ...r, createdAt: r.issuedAt })),
      page.limit,
      (r) => views.get(r.id)!,
    );
  }

  private async views(rows: readonly CreditNoteRow[]): Promise<CreditNoteView[]> {
    const lines = await this.notes.lines(rows.map((r) => r.id));
    const numbers = await this.invoices.numbers([...new Set(rows.map((r) => r.invoiceId))]);
    const customers = await this.customers.byIds([...new Set(rows.map((r) => r.customerId))]);
    return rows.map((r) => {
      const digits = minorUnitDigits(r.currency);
      const f = (minor: bigint) => unitsToDecimal(minor, digits);
      return {
        id: r.id,
        number: r.number,
        invoiceId: r.invoiceId,
        invoiceNumber: numbers.get(r.invoiceId)?.number ?? '',
        customerId: r.customerId,
        customerName: customers.get(r.customerId)?.name ?? '',
        reason: r.reason,
        currency: r.currency,
        // The tax rate is the invoice's; the note stores only its own amounts.
        taxRate: trim(numbers.get(r.invoiceId)?.taxRate ?? '0'),
        subtotal: f(r.subtotalMinor),
        tax: f(r.taxMinor),
        total: f(r.totalMinor),
        issuedAt: r.issuedAt.toISOString(),
        lines: (lines.get(r.id) ?? []).map((l: CreditNoteLineRow) => ({ n: l.n, invoiceLine: l.invoiceLine, description: l.description, amount: f(l.amountMinor) })),
      };
    });
  }
}

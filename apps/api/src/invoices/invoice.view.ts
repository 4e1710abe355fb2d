import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { LINE_KINDS } from '@carve/billing';

export class InvoiceLineDoc {
  @ApiProperty() n: number;
  @ApiProperty({ description: "The pool's name (or the dedicated pool's)" }) pool: string;
  @ApiPropertyOptional({ nullable: true, type: String }) poolId: string | null;
  @ApiProperty({ enum: LINE_KINDS }) kind: string;
  @ApiProperty({ example: '2026-10', description: 'The period the line bills: the invoice\'s, or an earlier one for an adjustment' }) period: string;
  @ApiProperty() adjustment: boolean;
  @ApiProperty({ example: '1.878571', description: 'Exact decimal' }) quantity: string;
  @ApiProperty({ example: 'GiB-month' }) unit: string;
  @ApiProperty({ example: '5' }) unitPrice: string;
  @ApiProperty({ example: '9.39', description: 'Major units with the currency\'s decimals' }) amount: string;
  @ApiPropertyOptional({ nullable: true, type: String }) priceVersionId: string | null;
}

export class InvoiceCreditNoteDoc {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'CN-2026-000001' }) number: string;
  @ApiProperty() reason: string;
  @ApiProperty({ example: '4.88', description: 'With tax, major units' }) total: string;
  @ApiProperty() issuedAt: string;
}

export class InvoiceDoc {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'INV-2026-000123' }) number: string;
  @ApiProperty() customerId: string;
  @ApiProperty() customerName: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ example: 'Australia/Melbourne' }) timeZone: string;
  @ApiProperty() periodStart: string;
  @ApiProperty() periodEnd: string;
  @ApiProperty({ example: 'AUD' }) currency: string;
  @ApiProperty({ example: '0.1' }) taxRate: string;
  @ApiProperty({ example: '105.30' }) subtotal: string;
  @ApiProperty({ example: '10.53' }) tax: string;
  @ApiProperty({ example: '115.83' }) total: string;
  @ApiProperty() issuedAt: string;
  @ApiProperty({ type: [InvoiceLineDoc] }) lines: InvoiceLineDoc[];
  @ApiProperty({ type: [InvoiceCreditNoteDoc], description: 'Credit notes issued against the invoice (GET /v1/credit-notes/:id for their lines)' }) creditNotes: InvoiceCreditNoteDoc[];
}

export class InvoicePage {
  @ApiProperty({ type: [InvoiceDoc] }) items: InvoiceDoc[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class InvoicePreviewDoc extends OmitType(InvoiceDoc, ['id', 'number', 'issuedAt', 'creditNotes'] as const) {
  @ApiProperty({ description: 'Always true: an estimate of the current month so far, not an invoice' }) estimate: boolean;
  @ApiProperty({ description: 'Sizes and usage are counted up to this instant' }) through: string;
}

export class LineSourcesDoc {
  @ApiProperty() invoiceId: string;
  @ApiProperty() n: number;
  @ApiProperty() kind: string;
  @ApiProperty() period: string;
  @ApiProperty({ type: Object, description: 'sizeSpans (from, to, size, priceVersionId) for recurring lines; usage (used, included, totals) or bandwidth (intervals, position, p95) for usage lines' })
  sources: unknown;
}

export class InvoiceRunDoc {
  @ApiProperty() runId: string;
  @ApiProperty() period: string;
  @ApiProperty() timeZone: string;
  @ApiProperty({ enum: ['finished'] }) status: string;
  @ApiProperty({ description: 'Invoices this call issued (0 when the period was already invoiced)' }) issued: number;
  @ApiProperty({ type: [InvoiceDoc], description: 'Every invoice of the period, in number order' }) invoices: InvoiceDoc[];
}

export class InvoiceRunSummaryDoc {
  @ApiProperty() id: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ example: 'UTC' }) timeZone: string;
  @ApiProperty({ enum: ['running', 'finished', 'failed'] }) status: string;
  @ApiProperty({ enum: ['scheduled', 'api', 'replay'] }) trigger: string;
  @ApiProperty({ description: 'Final invoices of the period when the run finished' }) invoices: number;
  @ApiProperty() startedAt: string;
  @ApiPropertyOptional({ nullable: true, type: String }) finishedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why a failed run stopped' }) error: string | null;
}

export class InvoiceRunPage {
  @ApiProperty({ type: [InvoiceRunSummaryDoc] }) items: InvoiceRunSummaryDoc[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

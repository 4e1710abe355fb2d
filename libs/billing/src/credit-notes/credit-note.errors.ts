import { ConflictError, FieldProblem } from '@carve/core';

/** A credit note would credit more than what is left of an invoice line or of the invoice. */
export class CreditExceedsInvoiceError extends ConflictError {
  constructor(invoiceNumber: string, fields: FieldProblem[]) {
    super('credit_exceeds_invoice', `Invoice ${invoiceNumber} has less left to credit than this note asks for; see \`fields\`.`, { fields });
  }
}

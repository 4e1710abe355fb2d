import { ConflictError } from '@carve/core';
import { BillingRuleError, computeInvoice, ComputedInvoice, InvoiceInput } from '../rules/invoice-rules';

/** The rules' own refusals (no price in force, currencies mixed in one period) as a 409 saying what to fix, never a 500. */
export function computeOrExplain(input: InvoiceInput): ComputedInvoice {
  try {
    return computeInvoice(input);
  } catch (error) {
    if (error instanceof BillingRuleError) throw new ConflictError('billing_rule', `${error.message}: add a price book version that covers it (POST /v1/price-book).`);
    throw error;
  }
}

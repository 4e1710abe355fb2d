import { ConflictError } from '@carve/core';

/** A version whose effectiveFrom is before the end of a period that has final invoices: finalised periods never change. */
export class PeriodFinalisedError extends ConflictError {
  constructor(effectiveFrom: Date, period: string, timeZone: string, periodEnd: Date) {
    super(
      'period_finalised',
      `Invoices for ${period} (${timeZone}) are final, and a price version effective from ${effectiveFrom.toISOString()} would change what they charge. ` +
        `Choose an effectiveFrom at or after ${periodEnd.toISOString()}, the end of ${period}; to correct a final invoice, issue a credit note.`,
      {
        fields: [{ field: 'effectiveFrom', message: `is before the end of ${period}, a period with final invoices` }],
        period,
        timeZone,
        periodEnd: periodEnd.toISOString(),
      },
    );
  }
}

/** Two versions cannot take effect at the same instant: which one would be in force? */
export class DuplicateEffectiveFromError extends ConflictError {
  constructor(effectiveFrom: Date) {
    super('duplicate_effective_from', `A price version effective from ${effectiveFrom.toISOString()} already exists. Versions are immutable: add one effective from another instant to replace it from then.`, {
      fields: [{ field: 'effectiveFrom', message: 'already has a price version' }],
    });
  }
}

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

/**
 * A version whose currency differs from the version before or after it in the book, taking
 * effect where no billing period starts: the period around it would mix two currencies on
 * one invoice. A currency changes only from the first instant of a period.
 */
export class CurrencyChangeMidPeriodError extends ConflictError {
  constructor(input: { effectiveFrom: Date; currency: string; other: { effectiveFrom: Date; currency: string }; changeAt: Date; periodStart: Date; nextPeriodStart: Date; timeZone: string }) {
    const { effectiveFrom, currency, other, changeAt, periodStart, nextPeriodStart, timeZone } = input;
    super(
      'currency_change_mid_period',
      `A price version in ${currency} effective from ${effectiveFrom.toISOString()} would switch from ${other.currency} (the version effective from ${other.effectiveFrom.toISOString()}) at ${changeAt.toISOString()}, ` +
        `which is not the start of a billing period in ${timeZone}: that period's invoices would mix currencies. A currency changes only where a period starts, such as ${periodStart.toISOString()} or ${nextPeriodStart.toISOString()}.`,
      {
        fields: [{ field: 'effectiveFrom', message: `changes the currency from ${other.currency} to ${currency} at ${changeAt.toISOString()}, inside a billing period (${timeZone}); a currency changes only at a period's start` }],
        timeZone,
        periodStart: periodStart.toISOString(),
        nextPeriodStart: nextPeriodStart.toISOString(),
      },
    );
  }
}

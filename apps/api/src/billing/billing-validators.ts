import { currencyProblem, parseInstant, priceProblem, taxRateProblem } from '@carve/billing';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * DTO validators for what billing takes as text (prices, tax rates, instants, currencies),
 * each answering with the rule billing itself applies, so a field means the same thing on
 * every route (the price book, a customer's tax rate, a dedicated pool's monthly price).
 */
function fromProblem(name: string, problem: (value: unknown) => string | undefined, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => problem(args?.value) ?? 'is invalid',
      },
    },
    options,
  );
}

/** A non-negative decimal string in major units, at most 12 decimals ("5.00", "0.002"). */
export const IsPrice = (options?: ValidationOptions) => fromProblem('isPrice', priceProblem, options);

/** A decimal string, 0 <= rate < 1 ("0.10"). */
export const IsTaxRate = (options?: ValidationOptions) => fromProblem('isTaxRate', taxRateProblem, options);

/** An RFC 3339 date-time with its offset. */
export const IsInstant = (options?: ValidationOptions) =>
  fromProblem(
    'isInstant',
    (value) => {
      const parsed = parseInstant(value);
      return 'problem' in parsed ? parsed.problem : undefined;
    },
    options,
  );

/** An ISO 4217 code the runtime knows ("EUR"; not "EUX", not "eur"). */
export const IsCurrencyCode = (options?: ValidationOptions) => fromProblem('isCurrencyCode', currencyProblem, options);

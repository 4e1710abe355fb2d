import { isCurrency } from '../rules/currency';

/**
 * The text forms billing accepts from a person: prices (per unit, in major units of a
 * currency), tax rates, currencies and instants. Amounts are decimal strings, never JSON
 * numbers, so none passes through a float on its way in. Each rule answers what is wrong,
 * or undefined when the text is fine.
 */

/** Digits before the point, at most; keeps any price far from what an invoice line could overflow. */
export const PRICE_MAX_INTEGER_DIGITS = 12;
/** Digits after the point, at most: a price is per unit (per GB, per CPU hour), so it may be finer than the currency's minor unit. */
export const PRICE_MAX_DECIMALS = 12;
export const TAX_RATE_MAX_DECIMALS = 6;

const PRICE = new RegExp(`^(0|[1-9]\\d{0,${PRICE_MAX_INTEGER_DIGITS - 1}})(\\.\\d{1,${PRICE_MAX_DECIMALS}})?$`);
const TAX_RATE = new RegExp(`^0(\\.\\d{1,${TAX_RATE_MAX_DECIMALS}})?$`);
const SIGNED_NUMBER = /^\s*-\s*\d/;

export const PRICE_FORMAT = `a decimal string in major units, like "5.00" or "0.002": digits with at most ${PRICE_MAX_DECIMALS} after the point, no sign, exponent or spaces`;
export const TAX_RATE_FORMAT = `a decimal string from 0 up to but not including 1, like "0.10" (10%), "0.19" or "0", with at most ${TAX_RATE_MAX_DECIMALS} decimals`;

/** A non-negative price: "5.00", "0.002", "120". */
export function priceProblem(value: unknown): string | undefined {
  if (value === undefined) return 'is required';
  if (typeof value !== 'string') return `must be a string: ${PRICE_FORMAT}`;
  if (PRICE.test(value)) return undefined;
  if (SIGNED_NUMBER.test(value)) return 'must not be negative';
  return `must be ${PRICE_FORMAT}`;
}

/** A tax rate as a fraction, 0 <= rate < 1: "0.10" is 10%. */
export function taxRateProblem(value: unknown): string | undefined {
  if (value === undefined) return 'is required';
  if (typeof value !== 'string') return `must be a string: ${TAX_RATE_FORMAT}`;
  return TAX_RATE.test(value) ? undefined : `must be ${TAX_RATE_FORMAT}`;
}

/** An instant with its offset: "2026-01-01T00:00:00Z", "2026-07-01T00:00:00+10:00"; milliseconds at most. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-](\d{2}):(\d{2}))$/;

export const INSTANT_FORMAT = 'an RFC 3339 date-time with its offset, like "2026-01-01T00:00:00Z" or "2026-07-01T00:00:00+10:00" (at most milliseconds)';

/** The instant in ms, or what is wrong with the text. A date without an offset is refused: it would be read in the server's zone. */
export function parseInstant(value: unknown): { at: number } | { problem: string } {
  if (value === undefined) return { problem: 'is required' };
  if (typeof value !== 'string') return { problem: `must be a string: ${INSTANT_FORMAT}` };
  const m = INSTANT.exec(value);
  if (!m) return { problem: `must be ${INSTANT_FORMAT}` };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const exists = wall.getUTCFullYear() === year && wall.getUTCMonth() === month - 1 && wall.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  const offsetOk = m[8] === 'Z' || (Number(m[9]) < 24 && Number(m[10]) < 60);
  if (!exists || !offsetOk) return { problem: `is not a real date and time: ${INSTANT_FORMAT}` };
  return { at: Date.parse(value) };
}

/** An ISO 4217 code the runtime knows: "EUR", "AUD", "JPY"; not "EUX", not "eur". */
export function currencyProblem(value: unknown): string | undefined {
  if (value === undefined) return 'is required';
  return isCurrency(value) ? undefined : 'must be an ISO 4217 currency code in capitals, like "EUR", "AUD" or "JPY"';
}

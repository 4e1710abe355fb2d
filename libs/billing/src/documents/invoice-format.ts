// How invoices show numbers, money, rates and dates, the same in the PDF and the HTML page.
import { minorUnitDigits } from '../rules/currency';
import { assertDecimal } from './invoice-document';

function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234567.5" -> "1,234,567.5"; the digits are kept as given, never rounded. */
export function formatDecimal(value: string): string {
  assertDecimal(value, 'value');
  const negative = value.startsWith('-');
  const [whole, fraction] = (negative ? value.slice(1) : value).split('.');
  return `${negative ? '-' : ''}${group(whole!)}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** "AUD 1,115.83", "JPY 1,200", "AUD -4.10". */
export function formatMoney(amount: string, currency: string): string {
  return `${currency} ${formatDecimal(amount)}`;
}

/** A unit price has any precision, but is shown with at least the currency's digits: "5" -> "AUD 5.00", "0.015" -> "AUD 0.015". */
export function formatUnitPrice(price: string, currency: string): string {
  assertDecimal(price, 'unitPrice');
  const [whole, fraction = ''] = price.split('.');
  const padded = fraction.padEnd(minorUnitDigits(currency), '0');
  return formatMoney(padded ? `${whole}.${padded}` : whole!, currency);
}

/** "2.5" GiB-month -> "2.5 GiB-month". */
export function formatQuantity(quantity: string, unit: string): string {
  return `${formatDecimal(quantity)} ${unit}`;
}

/** A fraction as a percentage, exactly: "0.10" -> "10%", "0.075" -> "7.5%", "0" -> "0%". */
export function formatPercent(rate: string): string {
  assertDecimal(rate, 'rate');
  const negative = rate.startsWith('-');
  const [whole, fraction = ''] = (negative ? rate.slice(1) : rate).split('.');
  const padded = fraction.padEnd(2, '0');
  const percentWhole = (whole! + padded.slice(0, 2)).replace(/^0+(?=\d)/, '');
  const percentFraction = padded.slice(2).replace(/0+$/, '');
  return `${negative ? '-' : ''}${percentWhole}${percentFraction ? `.${percentFraction}` : ''}%`;
}

/** "2026-10" -> "October 2026". */
export function formatMonth(month: string): string {
  const [year, index] = month.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year!, index! - 1, 1));
}

/** The calendar date of an instant in a time zone: "1 November 2026". */
export function formatDate(instant: string | number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(new Date(instant));
}

/** The period's first and last calendar days there: the end instant is exclusive, so the last day is the one just before it. */
export function formatPeriodDays(doc: { periodStart: string; periodEnd: string; timeZone: string }): string {
  return `${formatDate(doc.periodStart, doc.timeZone)} to ${formatDate(Date.parse(doc.periodEnd) - 1, doc.timeZone)}`;
}

/** "October 2026 (1 October 2026 to 31 October 2026, Australia/Melbourne time)". */
export function formatPeriod(doc: { period: string; periodStart: string; periodEnd: string; timeZone: string }): string {
  return `${formatMonth(doc.period)} (${formatPeriodDays(doc)}, ${doc.timeZone} time)`;
}

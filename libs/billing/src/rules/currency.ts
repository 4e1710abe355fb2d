/**
 * ISO 4217 currencies and their minor units (2 for EUR, AUD, USD; 0 for JPY; 3 for KWD),
 * from the runtime's ICU data rather than a hand-kept table.
 */
const KNOWN = new Set<string>(Intl.supportedValuesOf('currency'));

export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && KNOWN.has(code);
}

export function minorUnitDigits(currency: string): number {
  if (!isCurrency(currency)) throw new RangeError(`${currency} is not an ISO 4217 currency code`);
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The units a usage graph's Y axis can show, each with how its tick labels are written. */

const SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false });
const DECIMAL_PREFIXES: readonly (readonly [number, string])[] = [
  [1, ''],
  [1e3, 'k'],
  [1e6, 'M'],
  [1e9, 'G'],
  [1e12, 'T'],
];

/** 1234567 -> ['1.23', 'M']; picks the prefix after rounding, so 999 999 is "1 M", not "1000 k". */
function decimalPrefixed(value: number): [string, string] {
  const abs = Math.abs(value);
  let index = 0;
  while (index + 1 < DECIMAL_PREFIXES.length && abs >= DECIMAL_PREFIXES[index + 1][0]) index += 1;
  for (; index < DECIMAL_PREFIXES.length; index += 1) {
    const [factor, prefix] = DECIMAL_PREFIXES[index];
    const text = SIGNIFICANT.format(value / factor);
    if (Math.abs(Number(text)) < 1000 || index === DECIMAL_PREFIXES.length - 1) return [text, prefix];
  }
  throw new Error('unreachable');
}

const UNIT_FORMATS = {
  '%': (value: number) => `${SIGNIFICANT.format(value)}%`,
  IOPS: (value: number) => {
    const [text, prefix] = decimalPrefixed(value);
    return `${text}${prefix} IOPS`;
  },
  'B/s': (value: number) => {
    const [text, prefix] = decimalPrefixed(value);
    return `${text} ${prefix}B/s`;
  },
  'bit/s': (value: number) => {
    const [text, prefix] = decimalPrefixed(value);
    return `${text} ${prefix}bit/s`;
  },
  ms: (value: number) => (Math.abs(value) < 1000 ? `${SIGNIFICANT.format(value)} ms` : `${SIGNIFICANT.format(value / 1000)} s`),
} satisfies Record<string, (value: number) => string>;

export type UsageUnit = keyof typeof UNIT_FORMATS;
export const USAGE_UNITS = Object.keys(UNIT_FORMATS) as UsageUnit[];

/** A Y-axis label: "0", "40%", "1.5 MB/s" (k/M/G are powers of 1000), "12k IOPS", "250 Mbit/s", "8 ms", "1.2 s". */
export function formatUsageValue(value: number, unit: UsageUnit): string {
  if (value === 0) return '0';
  return UNIT_FORMATS[unit](value);
}

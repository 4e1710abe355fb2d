import type { BillingPeriod } from './billing-period';

/** Decimal prices in major units of the version's currency. */
export const PRICE_KEYS = [
  'ramGibMonth',
  'vcpuMonth',
  'diskGibMonth',
  'transferGbMonth',
  'transferOverageGb',
  'cpuHour',
  'includedCpuHoursPerVcpuMonth',
  'ioGb',
  'includedIoGbPerDiskGibMonth',
  'bandwidthMbitMonth',
] as const;
export type PriceKey = (typeof PRICE_KEYS)[number];

export interface PriceVersion {
  id: string;
  /** ms; the version is in force from this instant until the next version's. */
  effectiveFrom: number;
  currency: string;
  prices: Readonly<Record<PriceKey, string>>;
}

/** The version in force at an instant: the latest that took effect at or before it. */
export function versionAt(versions: readonly PriceVersion[], at: number): PriceVersion | undefined {
  let found: PriceVersion | undefined;
  for (const v of versions) if (v.effectiveFrom <= at && (!found || v.effectiveFrom >= found.effectiveFrom)) found = v;
  return found;
}

/** Usage is priced with the version in force at the period's end: at its last instant, so a version starting with the next month does not count. */
export function usageVersion(versions: readonly PriceVersion[], period: BillingPeriod): PriceVersion | undefined {
  return versionAt(versions, period.end - 1);
}

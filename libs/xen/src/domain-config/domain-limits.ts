// What a DomU may use of the host besides its size: the credit2 cap and weight
// (`xl sched-credit2`, `cap =` / `cpu_weight =` in xl.cfg) and the vif `rate=`.
import { XenArgumentError } from '../errors/xen-argument.error';
import type { XlNicDetail } from '../parsers/xl-list-long.parser';
import { validateNonNegativeInteger, validatePositiveInteger } from '../shell/argument-validators';

/** xl's and credit2's default weight. */
export const CPU_WEIGHT_DEFAULT = 256;
export const CPU_WEIGHT_MAX = 65535;
/** A cap of 0 is "no cap" to credit2. */
export const CPU_CAP_NONE = 0;
/** 100 Gbit/s: no vif carve hands out is faster. */
export const VIF_RATE_MAX_MBIT = 100_000;

/** Credit2 refuses a cap above 100% of one pCPU per vCPU of the domain. */
export function maxCpuCapPercent(vcpus: number): number {
  return 100 * validatePositiveInteger(vcpus, 'vcpus', 512);
}

export function validateCpuCapPercent(value: unknown, vcpus: number, field = 'capPercent'): number {
  return validateNonNegativeInteger(value, field, maxCpuCapPercent(vcpus));
}

export function validateCpuWeight(value: unknown, field = 'weight'): number {
  return validatePositiveInteger(value, field, CPU_WEIGHT_MAX);
}

/** Whole Mbit/s, 1..VIF_RATE_MAX_MBIT (xl reads the number with strtoul, so it is an integer anyway). */
export function validateVifRateMbit(value: unknown, field = 'rateMbitPerSec'): number {
  return validatePositiveInteger(value, field, VIF_RATE_MAX_MBIT);
}

/**
 * The limit a running vif has, in Mbit/s, from `xl list -l`: libxl keeps `rate=` as bytes
 * per interval (default interval 50 ms). Null when the vif has no limit.
 */
export function vifRateMbitOf(nic: XlNicDetail): number | null {
  const bytes = nic.rateBytesPerInterval;
  if (bytes === undefined || bytes === 0) return null;
  const usecs = nic.rateIntervalUsecs ?? 50_000;
  if (!Number.isFinite(usecs) || usecs <= 0) throw new XenArgumentError('rateIntervalUsecs', 'must be a positive number of microseconds', usecs);
  // bytes * 8 bits / usecs = Mbit/s; rounded to the Kb/s xl can express.
  return Math.round(((bytes * 8) / usecs) * 1000) / 1000;
}

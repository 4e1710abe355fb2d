/** A pool's transfer over the UTC calendar month: the billing month every allowance is counted in. */

/** Transfer is sold in GB of 10^9 bytes. */
export const BYTES_PER_GB = 1_000_000_000;

export interface BillingMonth {
  /** YYYY-MM */
  month: string;
  start: Date;
  /** The next month's start (exclusive). */
  end: Date;
}

/**
 * What a pool sent this month against its allowance. Byte counts are plain numbers: a
 * pool would need to send 9 PB in a month to pass 2^53. GB figures are rounded to MB.
 */
export interface TransferFigures {
  month: string;
  usedBytes: number;
  usedGB: number;
  allowanceBytes: number;
  allowanceGB: number;
  /** usedBytes / allowanceBytes x 100, rounded down to two decimals; null without an allowance. */
  percent: number | null;
  /** The month's total if the rest of it goes as it went so far. */
  projectedBytes: number;
  projectedGB: number;
}

export function billingMonthOf(now: Date): BillingMonth {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { month: start.toISOString().slice(0, 7), start, end };
}

const toGB = (bytes: number) => Math.round(bytes / 1_000_000) / 1000;

/**
 * projected = used / elapsed seconds of the month x the month's seconds. In the month's
 * first instant nothing has elapsed, and what was used is all there is to go on.
 */
export function transferFigures(usedBytes: number, allowanceGB: number, now: Date): TransferFigures {
  const { month, start, end } = billingMonthOf(now);
  const elapsedMs = now.getTime() - start.getTime();
  const monthMs = end.getTime() - start.getTime();
  const projectedBytes = elapsedMs > 0 ? Math.round((usedBytes / elapsedMs) * monthMs) : usedBytes;
  const allowanceBytes = allowanceGB * BYTES_PER_GB;
  return {
    month,
    usedBytes,
    usedGB: toGB(usedBytes),
    allowanceBytes,
    allowanceGB,
    percent: allowanceBytes > 0 ? Number((BigInt(usedBytes) * 10_000n) / BigInt(allowanceBytes)) / 100 : null,
    projectedBytes,
    projectedGB: toGB(projectedBytes),
  };
}

/** Whether usedBytes reached `percent` % of the allowance, in integers (no rounding near the line). */
export function reached(usedBytes: number, allowanceGB: number, percent: number): boolean {
  return allowanceGB > 0 && BigInt(usedBytes) * 100n >= BigInt(allowanceGB) * BigInt(BYTES_PER_GB) * BigInt(percent);
}

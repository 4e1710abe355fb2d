/**
 * A counter summed exactly: a number while the sum is a safe integer (every graph in
 * practice: a server's minute, a host's day), a bigint past 2^53. Summing in numbers first
 * keeps graphs off BigInt arithmetic, which was most of a 24-hour graph's CPU time.
 */
export type Count = number | bigint;

/** a + b, exact; both are non-negative integers (numbers below 2^53, or bigints). */
export function addCount(a: Count, b: Count): Count {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    // Non-negative safe addends: a float sum at most MAX_SAFE_INTEGER is the exact sum.
    return sum <= Number.MAX_SAFE_INTEGER ? sum : BigInt(a) + BigInt(b);
  }
  return BigInt(a) + BigInt(b);
}

/** A bigint column as PostgreSQL sends it (text): a number when it fits exactly. */
export function parseCount(text: string): Count {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

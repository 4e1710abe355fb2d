import { Rational } from '../rules/rational';

/**
 * Splits exact shares into whole minor units that add up to the rounded whole (largest
 * remainder: floor each, then one unit more to the largest fractions, ties by key), so a
 * report's rows sum to its total to the cent.
 */
export function apportion(shares: ReadonlyMap<string, Rational>): Map<string, bigint> {
  let whole = Rational.ZERO;
  for (const share of shares.values()) whole = whole.add(share);
  const target = whole.roundToUnits(0);
  const floors = [...shares].map(([key, share]) => {
    const floor = share.num >= 0n ? share.num / share.den : -((-share.num + share.den - 1n) / share.den);
    return { key, floor, fraction: share.sub(Rational.of(floor)) };
  });
  let left = target - floors.reduce((sum, f) => sum + f.floor, 0n);
  const out = new Map(floors.map((f) => [f.key, f.floor]));
  const order = [...floors].sort((x, y) => y.fraction.cmp(x.fraction) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  for (const f of order) {
    if (left <= 0n) break;
    out.set(f.key, f.floor + 1n);
    left -= 1n;
  }
  return out;
}

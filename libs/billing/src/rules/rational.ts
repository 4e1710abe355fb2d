/**
 * Exact fractions on BigInt: invoice arithmetic never touches a float. Decimal strings
 * in and out; rounding happens only where a rule says so (half up, once per line).
 */
export class Rational {
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return new Rational(n / g, d / g);
  }

  /** "12.30", "-0.5", "200", "1e3" is refused: plain decimals only. */
  static parse(text: string): Rational {
    const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m) throw new RangeError(`${JSON.stringify(text)} is not a decimal number`);
    const fraction = m[3] ?? '';
    const value = BigInt(m[2]! + fraction);
    return Rational.of(m[1] ? -value : value, 10n ** BigInt(fraction.length));
  }

  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o: Rational): Rational {
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }

  div(o: Rational): Rational {
    return Rational.of(this.num * o.den, this.den * o.num);
  }

  cmp(o: Rational): number {
    const d = this.num * o.den - o.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  isNegative(): boolean {
    return this.num < 0n;
  }

  max(o: Rational): Rational {
    return this.cmp(o) >= 0 ? this : o;
  }

  /** Rounded half up (away from zero at .5) to an integer number of 10^-scale units. */
  roundToUnits(scale: number): bigint {
    const scaled = this.num * 10n ** BigInt(scale);
    const negative = scaled < 0n;
    const abs = negative ? -scaled : scaled;
    const rounded = (abs * 2n + this.den) / (this.den * 2n);
    return negative ? -rounded : rounded;
  }

  /** A decimal string with exactly `places` digits after the point, rounded half up. */
  toFixed(places: number): string {
    return unitsToDecimal(this.roundToUnits(places), places);
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** 1230n, 2 -> "12.30"; -5n, 2 -> "-0.05"; 1200n, 0 -> "1200". */
export function unitsToDecimal(units: bigint, places: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
  const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return negative ? `-${text}` : text;
}

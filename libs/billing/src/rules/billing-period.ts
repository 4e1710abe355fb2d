/** A calendar month in the operator's billing time zone, as the UTC instants it spans. */
export interface BillingPeriod {
  /** YYYY-MM */
  month: string;
  timeZone: string;
  /** First instant of the month there (ms). */
  start: number;
  /** First instant of the next month there (ms, exclusive). */
  end: number;
  /** The real length: 31 days less an hour for Melbourne's October. */
  seconds: bigint;
}

export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`${timeZone} is not an IANA time zone`);
  }
}

/** The zone's offset from UTC at an instant, in ms (Melbourne in October: +11 h). */
function offsetAt(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(new Date(at))
    .reduce<Record<string, number>>((acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }), {});
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The first instant of a local date's midnight (if midnight is skipped by a clock change, the first instant after). */
function startOfLocalDay(timeZone: string, year: number, monthIndex: number): number {
  const wall = Date.UTC(year, monthIndex, 1);
  let guess = wall - offsetAt(timeZone, wall);
  // Twice: the offset at the guess may differ from the offset at the wall-clock reading.
  guess = wall - offsetAt(timeZone, guess);
  const local = guess + offsetAt(timeZone, guess);
  if (local < wall) guess += wall - local; // midnight fell in a gap: the day starts when the clock jumps
  return guess;
}

export function billingPeriod(month: string, timeZone = 'UTC'): BillingPeriod {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new RangeError(`${JSON.stringify(month)} is not a month as YYYY-MM`);
  assertTimeZone(timeZone);
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  const start = startOfLocalDay(timeZone, year, index);
  const end = startOfLocalDay(timeZone, index === 11 ? year + 1 : year, (index + 1) % 12);
  return { month, timeZone, start, end, seconds: BigInt((end - start) / 1000) };
}

/** The month (in the zone) that contains an instant. */
export function monthContaining(at: number, timeZone = 'UTC'): string {
  const local = new Date(at + offsetAt(timeZone, at));
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month before a YYYY-MM month: "2026-01" -> "2025-12". */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

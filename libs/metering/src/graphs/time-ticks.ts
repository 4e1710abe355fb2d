/**
 * Where the X axis of a usage graph puts its ticks and labels, on wall-clock
 * boundaries (whole hours, local midnights, firsts of the month) of a time zone.
 * ECharts can only label in the process's local zone or UTC, so the graph hands
 * it these instants and a formatter instead of letting it choose.
 */

export interface TimeTicks {
  /** Instants of the tick marks and vertical grid lines, ascending. */
  ticks: number[];
  /** Instants that carry a label, ascending; each is also a tick. */
  labels: number[];
  /** The label text for one of `labels`, in the time zone. */
  format(ms: number): string;
}

type WallUnit = 'minute' | 'hour' | 'day' | 'month';

interface Step {
  unit: WallUnit;
  count: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const APPROX_MS: Record<WallUnit, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS, month: 30.44 * DAY_MS };

/** Finest first: the label step is the first one whose labels sit far enough apart. */
const STEPS: readonly Step[] = [
  ...[1, 5, 10, 15, 30].map((count) => ({ unit: 'minute' as const, count })),
  ...[1, 2, 3, 6, 12].map((count) => ({ unit: 'hour' as const, count })),
  ...[1, 2, 3, 7, 14].map((count) => ({ unit: 'day' as const, count })),
  ...[1, 2, 3, 6, 12].map((count) => ({ unit: 'month' as const, count })),
];

/** Room one label needs ("22 Mar", "14:00" at 11 px) plus a gap. */
export const MIN_LABEL_SPACING_PX = 52;
/** Ticks (and grid lines) closer than this are left out. */
const MIN_TICK_SPACING_PX = 8;
/** Every UTC offset in use is a multiple of 15 minutes (Nepal +05:45, Chatham +12:45). */
const OFFSET_GRAIN_MS = 15 * MINUTE_MS;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function timeTicks(from: number, to: number, plotWidthPx: number, timeZone: string): TimeTicks {
  if (!(to > from)) throw new RangeError(`time axis must end after it starts, got ${from}..${to}`);
  if (!(plotWidthPx > 0)) throw new RangeError(`plot width must be positive, got ${plotWidthPx}`);
  const zone = Zone.named(timeZone);
  const pxPerMs = plotWidthPx / (to - from);
  const spacing = (step: Step) => APPROX_MS[step.unit] * step.count * pxPerMs;

  const labelStep = STEPS.find((step) => spacing(step) >= MIN_LABEL_SPACING_PX) ?? STEPS[STEPS.length - 1];
  const finest = STEPS.find((step) => step.unit === labelStep.unit)!;
  const tickStep = spacing(finest) >= MIN_TICK_SPACING_PX ? finest : labelStep;

  const labels = boundaries(zone, from, to, labelStep);
  const ticks = tickStep === labelStep ? labels : boundaries(zone, from, to, tickStep);
  return { ticks, labels, format: labelFormatter(zone, labelStep.unit) };
}

/** Throws a RangeError naming the zone when Intl does not know it. */
export function assertTimeZone(timeZone: string): void {
  Zone.named(timeZone);
}

function boundaries(zone: Zone, from: number, to: number, step: Step): number[] {
  return step.unit === 'minute' || step.unit === 'hour' ? subDayBoundaries(zone, from, to, step) : calendarBoundaries(zone, from, to, step);
}

/**
 * Minutes and hours are picked from every 15-minute instant, so a zone whose offset
 * is not whole hours, or a DST change, still gets its local :00 marks. The spans
 * that use these steps are a few days at most, a few hundred candidates.
 */
function subDayBoundaries(zone: Zone, from: number, to: number, step: Step): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(from / OFFSET_GRAIN_MS) * OFFSET_GRAIN_MS; t <= to; t += OFFSET_GRAIN_MS) {
    const wall = zone.wallClock(t);
    const onStep = step.unit === 'minute' ? wall.minute % step.count === 0 : wall.minute === 0 && wall.hour % step.count === 0;
    if (onStep) out.push(t);
  }
  return out;
}

/** Local midnights (every `count` days from the first one in range) or firsts of the month. */
function calendarBoundaries(zone: Zone, from: number, to: number, step: Step): number[] {
  const start = zone.wallClock(from);
  let year = start.year;
  let month = start.month;
  let day = step.unit === 'day' ? start.day : 1;
  const advance = (count: number) => {
    if (step.unit === 'day') day += count;
    else month += count;
    // Date.UTC normalises day 32 or month 13 into the next month or year.
    const normal = new Date(Date.UTC(year, month - 1, day));
    year = normal.getUTCFullYear();
    month = normal.getUTCMonth() + 1;
    day = normal.getUTCDate();
  };
  let t = zone.instant({ year, month, day, hour: 0, minute: 0 });
  while (t < from) {
    advance(1);
    t = zone.instant({ year, month, day, hour: 0, minute: 0 });
  }
  const out: number[] = [];
  while (t <= to) {
    out.push(t);
    advance(step.count);
    t = zone.instant({ year, month, day, hour: 0, minute: 0 });
  }
  return out;
}

/** Month names spelled here, not by ICU, so labels do not change with the Node version ("Sep" or "Sept"). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function labelFormatter(zone: Zone, unit: WallUnit): (ms: number) => string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (ms) => {
    const wall = zone.wallClock(ms);
    const monthName = MONTHS[wall.month - 1];
    if (unit === 'month') return `${monthName} ${wall.year}`;
    // An hourly axis names the day at each local midnight, so 24 hours across two dates read right.
    if (unit === 'day' || (wall.hour === 0 && wall.minute === 0)) return `${wall.day} ${monthName}`;
    return `${two(wall.hour)}:${two(wall.minute)}`;
  };
}

class Zone {
  // Building an Intl.DateTimeFormat costs more than drawing the ticks; there are a few hundred zones at most.
  private static readonly known = new Map<string, Zone>();
  private readonly parts: Intl.DateTimeFormat | null;

  static named(name: string): Zone {
    let zone = Zone.known.get(name);
    if (!zone) {
      zone = new Zone(name);
      Zone.known.set(name, zone);
    }
    return zone;
  }

  private constructor(readonly name: string) {
    if (name === 'UTC') {
      this.parts = null;
      return;
    }
    try {
      this.parts = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone ${JSON.stringify(name)}`);
    }
  }

  wallClock(ms: number): WallClock {
    if (!this.parts) {
      const d = new Date(ms);
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
    }
    const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
    for (const part of this.parts.formatToParts(ms)) {
      if (part.type in wall) wall[part.type as keyof WallClock] = Number(part.value);
    }
    return wall;
  }

  /** The instant a wall-clock time happens; a time skipped by DST lands just after the gap. */
  instant(wall: WallClock): number {
    const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
    const first = asUtc - this.offset(asUtc);
    const second = asUtc - this.offset(first);
    if (this.asUtc(second) === asUtc) return second;
    // Neither guess shows that wall time: it falls in a gap, which ends at the later guess.
    return Math.max(first, second);
  }

  private asUtc(ms: number): number {
    const wall = this.wallClock(ms);
    return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  }

  private offset(ms: number): number {
    return this.asUtc(ms) - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  }
}

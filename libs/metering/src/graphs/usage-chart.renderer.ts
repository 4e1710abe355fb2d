/**
 * Usage graphs (CPU, disk, network of a server, pool or host) as SVG text, drawn
 * by ECharts' server-side renderer. A page stacks several of them, so every chart
 * of the same size has the same plot area to the pixel and, for the same axis,
 * the same X ticks: the layout is fixed, never fitted to the labels.
 */
import { createHash } from 'node:crypto';
import * as echarts from 'echarts';
import type { EChartsOption, LineSeriesOption, MarkAreaComponentOption, YAXisComponentOption } from 'echarts';
import { timeTicks } from './time-ticks';
import { formatUsageValue, type UsageUnit } from './usage-units';

export interface UsageTimeAxis {
  from: Date | number;
  /** Exclusive end; the X axis runs exactly from `from` to `to`. */
  to: Date | number;
  /** Width of one bucket; a point is drawn in the middle of its bucket. */
  stepMs: number;
}

export interface UsageSeries {
  name: string;
  /** The chart's `unit` when left out; one other unit gets the right-hand axis. */
  unit?: UsageUnit;
  /** One per timestamp; null is a gap (no sample), drawn as a break in the line, never as zero. */
  values: readonly (number | null)[];
  /** One per timestamp; true where the value was reconstructed after a collection gap. */
  estimated?: readonly boolean[];
}

export interface ShadedWindow {
  from: Date | number;
  to: Date | number;
  label?: string;
}

export interface UsageChartInput {
  title: string;
  axis: UsageTimeAxis;
  /** Bucket starts (ms), ascending, shared by every series. */
  timestamps: readonly number[];
  /** Unit of the left-hand axis and of every series that names none. */
  unit: UsageUnit;
  series: readonly UsageSeries[];
  /** Stack the series as areas (IO per server), per axis. */
  stacked?: boolean;
  /** Translucent bands over the plot, e.g. IO contention windows. */
  shadedWindows?: readonly ShadedWindow[];
  /** Fixed top of an axis by its unit, e.g. `{ '%': 100 }`; otherwise fitted to the data. */
  maxByUnit?: Partial<Record<UsageUnit, number>>;
  /** IANA zone the time labels are written in; UTC unless given. */
  timeZone?: string;
  /** Pixels; 960 x 240 unless given. Charts meant to line up must share a width. */
  width?: number;
  height?: number;
}

/**
 * The fixed frame. The right margin is kept even without a second axis, so a chart
 * with one lines up with a chart without.
 */
export const USAGE_CHART_LAYOUT = {
  width: 960,
  height: 240,
  gridLeft: 80,
  gridRight: 80,
  gridTop: 44,
  gridBottom: 28,
} as const;

/** Series colours in order; the k-th series of every chart gets the k-th, so one server keeps its colour across metrics. */
export const USAGE_SERIES_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;
const TEXT_COLOR = '#4b5563';
const ESTIMATED_COLOR = '#64748b';
const ESTIMATED_FILL = 'rgba(100, 116, 139, 0.12)';
const SHADE_FILL = 'rgba(220, 38, 38, 0.10)';
const SHADE_TEXT_COLOR = '#b91c1c';
const ESTIMATED_LABEL = 'estimated';
const AREA_LABEL_FONT_PX = 10;
const LINE_WIDTH = 1.5;
const LEGEND_NAME_CHARS = 24;
const FONT_FAMILY = 'Helvetica, Arial, sans-serif';
const LINE_ICON = 'path://M0,3h16v2h-16z';
const AREA_ICON = 'path://M0,0h16v8h-16z';
const DASHED_ICON = 'path://M0,3h4v2h-4zM6,3h4v2h-4zM12,3h4v2h-4z';

/** The chart as an SVG document, the same text for the same input. */
export function renderUsageChart(input: UsageChartInput): string {
  const width = input.width ?? USAGE_CHART_LAYOUT.width;
  const height = input.height ?? USAGE_CHART_LAYOUT.height;
  const option = usageChartOption(input, width, height);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return withStableIds(chart.renderToSVGString());
  } finally {
    // Without it zrender's frame timer keeps the process alive.
    chart.dispose();
  }
}

function usageChartOption(input: UsageChartInput, width: number, height: number): EChartsOption {
  const from = instant(input.axis.from);
  const to = instant(input.axis.to);
  const { stepMs } = input.axis;
  validate(input, from, to, width, height);

  const layout = USAGE_CHART_LAYOUT;
  const plotWidth = width - layout.gridLeft - layout.gridRight;
  const pxPerMs = plotWidth / (to - from);
  const ticks = timeTicks(from, to, plotWidth, input.timeZone ?? 'UTC');
  const units = axisUnits(input);
  const xs = input.timestamps.map((t) => t + stepMs / 2);
  const lines = drawnSeries(input, units);
  const estimatedSpans = spansOf(input, (i) => lines.some((line) => line.estimated[i] && line.top[i] !== null));

  const hasData = lines.some((line) => line.value.some((v) => v !== null));
  const series: LineSeriesOption[] = [];
  const shaded = (input.shadedWindows ?? []).map((w) => ({ from: instant(w.from), to: instant(w.to), label: w.label }));
  // Area labels share the strip above the plot; one that would overlap another is left out.
  const labelSlots: [number, number][] = [];
  if (shaded.length > 0) {
    series.push({ ...hostSeries(), markArea: areas(shaded, from, to, pxPerMs, labelSlots, SHADE_FILL, SHADE_TEXT_COLOR) });
  }
  if (estimatedSpans.length > 0) {
    // Also the legend's key to the dashed segments.
    series.push({
      ...hostSeries(),
      name: ESTIMATED_LABEL,
      color: ESTIMATED_COLOR,
      lineStyle: { type: [4, 3], width: LINE_WIDTH },
      markArea: areas(
        estimatedSpans.map((span) => ({ ...span, label: ESTIMATED_LABEL })),
        from,
        to,
        pxPerMs,
        labelSlots,
        ESTIMATED_FILL,
        ESTIMATED_COLOR,
      ),
    });
  }
  if (input.stacked) {
    // Each area is a band from the series below to this one's top: an invisible
    // base plus the value, stacked in a pair of their own, so the lines drawn on
    // top (split into solid and dashed parts) sit exactly on the area edges.
    lines.forEach((line, k) => {
      const stack = `band-${k}`;
      const common = { ...plainLine(line.axisIndex), stack, stackStrategy: 'all' as const };
      series.push({ ...common, lineStyle: { width: 0 }, data: xs.map((x, i) => [x, line.lower[i]]) });
      series.push({
        ...common,
        name: line.name,
        color: line.color,
        lineStyle: { width: 0 },
        areaStyle: { color: line.color, opacity: 0.35 },
        data: xs.map((x, i) => [x, line.value[i]]),
      });
    });
  }
  for (const line of lines) {
    for (const dashed of [false, true]) {
      series.push({
        ...plainLine(line.axisIndex),
        name: line.name,
        color: line.color,
        lineStyle: { width: LINE_WIDTH, type: dashed ? [4, 3] : 'solid' },
        data: lineData(xs, line.top, line.estimated, dashed),
      });
    }
  }

  return {
    animation: false,
    backgroundColor: '#ffffff',
    // zrender measures text without a canvas by Helvetica/Arial metrics; naming those fonts keeps browsers close to its layout.
    textStyle: { fontFamily: FONT_FAMILY },
    title: {
      text: input.title,
      left: 8,
      top: 6,
      // ECharts measures text with its own estimate, narrower than some browsers' sans-serif: leave a margin before the legend.
      textStyle: { fontSize: 13, fontWeight: 'bold', color: '#111827', width: plotWidth * 0.42, overflow: 'truncate' },
    },
    legend: {
      type: 'scroll',
      top: 6,
      right: layout.gridRight,
      width: plotWidth / 2,
      // As tall as the text: a scrolling legend clips to its items' box.
      itemWidth: 16,
      itemHeight: 12,
      itemGap: 12,
      textStyle: { fontSize: 11, lineHeight: 16, color: TEXT_COLOR },
      // textStyle.width would fix every item's width, not cap it.
      formatter: (name: string) => (name.length > LEGEND_NAME_CHARS ? `${name.slice(0, LEGEND_NAME_CHARS - 1)}…` : name),
      pageTextStyle: { fontSize: 10, color: TEXT_COLOR },
      data: [
        ...lines.map((line) => ({ name: line.name, icon: input.stacked ? AREA_ICON : LINE_ICON })),
        ...(estimatedSpans.length > 0 ? [{ name: ESTIMATED_LABEL, icon: DASHED_ICON }] : []),
      ],
    },
    grid: {
      left: layout.gridLeft,
      right: layout.gridRight,
      top: layout.gridTop,
      bottom: layout.gridBottom,
      // Fitting the grid to its labels would give each metric a different plot width.
      containLabel: false,
      outerBoundsMode: 'none',
    },
    xAxis: {
      type: 'time',
      min: from,
      max: to,
      axisLine: { lineStyle: { color: '#9ca3af' } },
      axisTick: { customValues: ticks.ticks, lineStyle: { color: '#9ca3af' } },
      axisLabel: { customValues: ticks.labels, formatter: (value: number) => ticks.format(value), fontSize: 11, color: TEXT_COLOR, hideOverlap: false },
      splitLine: { show: true, lineStyle: { color: '#f1f2f4' } },
    },
    yAxis: units.map((unit, index): YAXisComponentOption => ({
      type: 'value',
      position: index === 0 ? 'left' : 'right',
      min: 0,
      max: input.maxByUnit?.[unit],
      // A fixed top (100%) split in quarters, not at whatever "nice" step misses it.
      interval: index === 0 && input.maxByUnit?.[unit] !== undefined ? input.maxByUnit[unit] / 4 : undefined,
      splitNumber: 4,
      alignTicks: index > 0,
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { formatter: (value: number) => formatUsageValue(value, unit), fontSize: 11, color: TEXT_COLOR },
      splitLine: { show: index === 0, lineStyle: { color: '#e5e7eb' } },
    })),
    series,
    graphic: hasData
      ? []
      : [{ type: 'text', left: 'center', top: layout.gridTop + (height - layout.gridTop - layout.gridBottom) / 2 - 8, style: { text: 'no data', fill: '#9ca3af', fontSize: 12, fontFamily: FONT_FAMILY } }],
  };
}

interface DrawnSeries {
  name: string;
  color: string;
  axisIndex: number;
  /** The series' own values. */
  value: (number | null)[];
  /** Where its line is drawn: the value, or the top of its band when stacked. */
  top: (number | null)[];
  /** The top of the bands below it (stacked only). */
  lower: number[];
  estimated: boolean[];
}

function drawnSeries(input: UsageChartInput, units: UsageUnit[]): DrawnSeries[] {
  const stackedBelow = units.map(() => input.timestamps.map(() => 0));
  return input.series.map((s, k) => {
    const axisIndex = units.indexOf(s.unit ?? input.unit);
    const below = stackedBelow[axisIndex];
    const lower = [...below];
    const value = [...s.values];
    const top = value.map((v, i) => (v === null ? null : input.stacked ? below[i] + v : v));
    if (input.stacked) value.forEach((v, i) => (below[i] += v ?? 0));
    return {
      name: s.name,
      color: USAGE_SERIES_COLORS[k % USAGE_SERIES_COLORS.length],
      axisIndex,
      value,
      top,
      lower,
      estimated: input.timestamps.map((_, i) => s.estimated?.[i] === true),
    };
  });
}

type LinePoint = [number, number | null] | { value: [number, number]; symbol: string; symbolSize: number };

/**
 * The solid (or the dashed) part of one line as [x, y] points, with a null point
 * wherever the line must break: a null value, or the other kind of segment. A
 * segment is dashed when either end is estimated. A point with no neighbour gets
 * a dot, since a line of one point draws nothing.
 */
function lineData(xs: number[], ys: (number | null)[], estimated: boolean[], dashed: boolean): LinePoint[] {
  const out: LinePoint[] = [];
  const segmentIs = (i: number) => ys[i] !== null && ys[i + 1] !== null && (estimated[i] || estimated[i + 1]) === dashed;
  const hasSegment = (i: number) => i >= 0 && i + 1 < ys.length && ys[i] !== null && ys[i + 1] !== null;
  let lastX: number | null = null;
  ys.forEach((y, i) => {
    if (y === null) return;
    const isolated = !hasSegment(i - 1) && !hasSegment(i);
    const joinsPrevious = hasSegment(i - 1) && segmentIs(i - 1);
    const include = joinsPrevious || (hasSegment(i) && segmentIs(i)) || (isolated && estimated[i] === dashed);
    if (!include) return;
    if (!joinsPrevious && lastX !== null) out.push([(lastX + xs[i]) / 2, null]);
    out.push(isolated ? { value: [xs[i], y], symbol: 'circle', symbolSize: 4 } : [xs[i], y]);
    lastX = xs[i];
  });
  return out;
}

/** Runs of consecutive buckets where `marked` holds, as time spans. */
function spansOf(input: UsageChartInput, marked: (i: number) => boolean): { from: number; to: number }[] {
  const spans: { from: number; to: number }[] = [];
  let start: number | null = null;
  input.timestamps.forEach((t, i) => {
    if (marked(i)) {
      start ??= t;
      if (i + 1 === input.timestamps.length || !marked(i + 1)) {
        spans.push({ from: start, to: t + input.axis.stepMs });
        start = null;
      }
    }
  });
  return spans;
}

function areas(
  windows: readonly { from: number; to: number; label?: string }[],
  axisFrom: number,
  axisTo: number,
  pxPerMs: number,
  labelSlots: [number, number][],
  fill: string,
  textColor: string,
): MarkAreaComponentOption {
  const data: NonNullable<MarkAreaComponentOption['data']> = [];
  for (const w of windows) {
    const a = Math.max(w.from, axisFrom);
    const b = Math.min(w.to, axisTo);
    if (!(b > a)) continue;
    data.push([{ xAxis: a, name: w.label ?? '', label: { show: claimLabelSlot(labelSlots, w.label, ((a + b) / 2 - axisFrom) * pxPerMs) } }, { xAxis: b }]);
  }
  return {
    silent: true,
    itemStyle: { color: fill },
    label: { position: 'top', distance: 3, fontSize: AREA_LABEL_FONT_PX, color: textColor },
    data,
  };
}

/** Whether a label centred at `centrePx` (from the plot's left) fits beside those already placed; if so, places it. */
function claimLabelSlot(slots: [number, number][], label: string | undefined, centrePx: number): boolean {
  if (!label) return false;
  // zrender's own estimate for sans-serif is close to 0.6 em a character.
  const half = (label.length * AREA_LABEL_FONT_PX * 0.6) / 2 + 4;
  const slot: [number, number] = [centrePx - half, centrePx + half];
  if (slots.some(([l, r]) => slot[0] < r && l < slot[1])) return false;
  slots.push(slot);
  return true;
}

/** A series with no points that only carries mark areas (and maybe a legend key). */
function hostSeries(): LineSeriesOption {
  return { ...plainLine(0), data: [] };
}

function plainLine(yAxisIndex: number): LineSeriesOption {
  return {
    type: 'line',
    yAxisIndex,
    silent: true,
    symbol: 'none',
    showSymbol: true,
    showAllSymbol: true,
    connectNulls: false,
    emphasis: { disabled: true },
  };
}

function axisUnits(input: UsageChartInput): UsageUnit[] {
  const units: UsageUnit[] = [input.unit];
  for (const s of input.series) {
    const unit = s.unit ?? input.unit;
    if (!units.includes(unit)) units.push(unit);
  }
  if (units.length > 2) throw new RangeError(`a usage chart has two Y axes at most, got units ${units.join(', ')}`);
  return units;
}

function validate(input: UsageChartInput, from: number, to: number, width: number, height: number): void {
  const layout = USAGE_CHART_LAYOUT;
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) throw new RangeError(`time axis must end after it starts, got ${from}..${to}`);
  if (!(input.axis.stepMs > 0)) throw new RangeError(`stepMs must be positive, got ${input.axis.stepMs}`);
  if (!(width > layout.gridLeft + layout.gridRight) || !(height > layout.gridTop + layout.gridBottom)) {
    throw new RangeError(`chart of ${width}x${height} px leaves no room for the plot`);
  }
  input.timestamps.forEach((t, i) => {
    if (!Number.isFinite(t) || (i > 0 && !(t > input.timestamps[i - 1]))) throw new RangeError(`timestamps must be ascending, see index ${i}`);
  });
  for (const s of input.series) {
    if (s.values.length !== input.timestamps.length) {
      throw new RangeError(`series ${s.name}: ${s.values.length} values for ${input.timestamps.length} timestamps`);
    }
    if (s.estimated && s.estimated.length !== input.timestamps.length) {
      throw new RangeError(`series ${s.name}: ${s.estimated.length} estimated flags for ${input.timestamps.length} timestamps`);
    }
    s.values.forEach((v, i) => {
      if (v !== null && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`series ${s.name}: value ${v} at index ${i} is not a usage`);
    });
  }
}

function instant(value: Date | number): number {
  return value instanceof Date ? value.getTime() : value;
}

/**
 * zrender names clip paths and style classes from process-wide counters, so the
 * same chart would come out different on the second call, and two charts inlined
 * in one page could share names. Renumber them in order of appearance under a
 * prefix taken from the chart itself.
 */
function withStableIds(svg: string): string {
  const ZR_NAME = /(?<=id="|url\(#|\.|class="(?:[^"]*\s)?)zr\d+-[a-z]+-?\d+/g;
  const names = new Map<string, number>();
  const renumber = (name: string) => {
    if (!names.has(name)) names.set(name, names.size);
    return names.get(name)!;
  };
  const prefix = `usage-${createHash('sha256')
    .update(svg.replace(ZR_NAME, (name) => `#${renumber(name)}`))
    .digest('hex')
    .slice(0, 12)}`;
  return svg.replace(ZR_NAME, (name) => `${prefix}-${renumber(name)}`);
}

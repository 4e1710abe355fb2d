import { writeFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { renderUsageChart, USAGE_CHART_LAYOUT, USAGE_SERIES_COLORS, type UsageChartInput } from './usage-chart.renderer';

const HOUR = 3_600_000;
const FROM = Date.UTC(2025, 2, 10);
const TO = FROM + 24 * HOUR;
const { gridLeft, gridRight, gridTop, gridBottom, width: WIDTH, height: HEIGHT } = USAGE_CHART_LAYOUT;
const PLOT_LEFT = gridLeft;
const PLOT_RIGHT = WIDTH - gridRight;
const PLOT_TOP = gridTop;
const PLOT_BOTTOM = HEIGHT - gridBottom;

/** 24 hourly buckets of one day, the shape most small cases use. */
function hourly(overrides: Partial<UsageChartInput> & Pick<UsageChartInput, 'series'>): UsageChartInput {
  return {
    title: 'CPU',
    unit: '%',
    axis: { from: new Date(FROM), to: TO, stepMs: HOUR },
    timestamps: Array.from({ length: 24 }, (_, i) => FROM + i * HOUR),
    ...overrides,
  };
}

const constant = (value: number, n = 24) => Array.from({ length: n }, () => value);
/** Where bucket i's point lands (the middle of its hour). */
const xOf = (i: number) => PLOT_LEFT + ((i + 0.5) / 24) * (PLOT_RIGHT - PLOT_LEFT);
/** Where a value lands on an axis running 0..max. */
const yOf = (value: number, max: number) => PLOT_BOTTOM - (value / max) * (PLOT_BOTTOM - PLOT_TOP);

describe('renderUsageChart', () => {
  it('renders a well-formed SVG document with the title and every series name', () => {
    const svg = renderUsageChart({
      ...hourly({ series: [{ name: 'read IOPS', values: constant(120) }, { name: 'write IOPS', values: constant(80) }] }),
      title: 'Disk: web1',
      unit: 'IOPS',
    });
    const root = parseSvg(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs).toMatchObject({ width: String(WIDTH), height: String(HEIGHT), viewBox: `0 0 ${WIDTH} ${HEIGHT}` });
    const words = texts(root).map((t) => t.text);
    expect(words).toEqual(expect.arrayContaining(['Disk: web1', 'read IOPS', 'write IOPS', '0', '02:00', '10 Mar', '11 Mar']));
  });

  it('escapes names, so a series called <db> & "replica" stays text', () => {
    const root = parseSvg(renderUsageChart(hourly({ title: 'a < b', series: [{ name: '<db> & "replica"', values: constant(5) }] })));
    expect(texts(root).map((t) => t.text)).toEqual(expect.arrayContaining(['a < b', '<db> & "replica"']));
  });

  it('lines up different metrics on the same axis to the pixel: X labels, ticks, grid lines and plot area', () => {
    const n = 288;
    const axis = { from: FROM, to: TO, stepMs: 5 * 60_000 };
    const timestamps = Array.from({ length: n }, (_, i) => FROM + i * axis.stepMs);
    const wave = (scale: number, phase: number) => timestamps.map((_, i) => scale * (1 + Math.sin(i / 30 + phase)));
    const est = timestamps.map((_, i) => i >= 150 && i < 170);
    const charts: UsageChartInput[] = [
      // Tiny percentages: short labels.
      { title: 'CPU', unit: '%', axis, timestamps, series: [{ name: 'CPU', values: wave(1.5, 0) }] },
      // Two axes with huge values: the longest labels on both sides.
      {
        title: 'Disk',
        unit: 'IOPS',
        axis,
        timestamps,
        series: [
          { name: 'read IOPS', values: wave(400_000, 1), estimated: est },
          { name: 'written', unit: 'B/s', values: wave(450e9, 2), estimated: est },
        ],
        shadedWindows: [{ from: FROM + 6 * HOUR, to: FROM + 7 * HOUR, label: 'contention' }],
      },
      // Gaps, stacking, another unit.
      {
        title: 'Network',
        unit: 'bit/s',
        axis,
        timestamps,
        stacked: true,
        series: [
          { name: 'in', values: wave(3e8, 3).map((v, i) => (i > 40 && i < 60 ? null : v)) },
          { name: 'out', values: wave(2e7, 4) },
        ],
      },
    ];
    const svgs = charts.map(renderUsageChart);
    if (process.env.CARVE_GRAPH_PREVIEW) writeFileSync(process.env.CARVE_GRAPH_PREVIEW, stackVertically(svgs));
    const geometry = svgs.map((svg) => {
      const root = parseSvg(svg);
      const lines = straightLines(root);
      return {
        xLabels: texts(root)
          .filter((t) => t.y > PLOT_BOTTOM)
          .map((t) => [t.text, t.x]),
        verticals: lines.filter((l) => l.x1 === l.x2).map((l) => l.d),
        horizontalExtents: [...new Set(lines.filter((l) => l.y1 === l.y2).map((l) => `${l.x1}..${l.x2}`))],
      };
    });
    expect(geometry[0].xLabels).toEqual([
      ['10 Mar', 80],
      ['02:00', 146.6667],
      ['04:00', 213.3333],
      ['06:00', 280],
      ['08:00', 346.6667],
      ['10:00', 413.3333],
      ['12:00', 480],
      ['14:00', 546.6667],
      ['16:00', 613.3333],
      ['18:00', 680],
      ['20:00', 746.6667],
      ['22:00', 813.3333],
      ['11 Mar', 880],
    ]);
    expect(geometry[0].verticals).toHaveLength(2 * 25); // a grid line and a tick each hour
    expect(geometry[0].horizontalExtents).toEqual([`${PLOT_LEFT}..${PLOT_RIGHT}`]);
    for (const other of geometry.slice(1)) expect(other).toEqual(geometry[0]);
  });

  it('breaks the line at a null and never draws it as zero', () => {
    const values = constant(50).map((v, i) => (i >= 10 && i < 15 ? null : v));
    const root = parseSvg(renderUsageChart(hourly({ maxByUnit: { '%': 100 }, series: [{ name: 'CPU', values }] })));
    const [line] = seriesLines(root);
    expect(line.dashed).toBe(false);
    expect(line.subpaths).toHaveLength(2);
    const points = line.subpaths.flat();
    expect(points).toHaveLength(19);
    expect(points.every(([, y]) => y === yOf(50, 100))).toBe(true);
    expect(points.some(([x]) => x > xOf(9) + 0.1 && x < xOf(15) - 0.1)).toBe(false);
    expect(line.subpaths[0].at(-1)![0]).toBeCloseTo(xOf(9), 0);
    expect(line.subpaths[1][0][0]).toBeCloseTo(xOf(15), 0);
  });

  it('draws a lone sample between gaps as a dot', () => {
    const values = constant(0).map((_, i) => (i === 12 ? 40 : null));
    const root = parseSvg(renderUsageChart(hourly({ maxByUnit: { '%': 100 }, series: [{ name: 'CPU', values }] })));
    // A one-point line has nothing to stroke; the dot is what shows.
    expect(seriesLines(root).flatMap((l) => l.subpaths).every((sub) => sub.length === 1)).toBe(true);
    const dots = elements(root, 'path').filter((p) => p.attrs.fill === USAGE_SERIES_COLORS[0] && p.attrs.transform?.startsWith('matrix('));
    expect(dots).toHaveLength(1);
    const [, , , , x, y] = dots[0].attrs.transform.slice(7, -1).split(',').map(Number);
    expect(x).toBeCloseTo(xOf(12), 1);
    expect(y).toBeCloseTo(yOf(40, 100), 1);
  });

  it('marks estimated spans: dashed segments and a shaded band labelled "estimated"', () => {
    const estimated = constant(0).map((_, i) => i >= 8 && i < 12);
    const plain = parseSvg(renderUsageChart(hourly({ series: [{ name: 'CPU', values: constant(30) }] })));
    expect(seriesLines(plain).map((l) => l.dashed)).toEqual([false]);
    expect(texts(plain).map((t) => t.text)).not.toContain('estimated');

    const root = parseSvg(renderUsageChart(hourly({ series: [{ name: 'CPU', values: constant(30), estimated }] })));
    const lines = seriesLines(root);
    const solid = lines.find((l) => !l.dashed)!;
    const dashed = lines.find((l) => l.dashed)!;
    expect(solid.subpaths.map((s) => s.length)).toEqual([8, 12]); // 0..7 and 12..23
    expect(dashed.subpaths).toHaveLength(1);
    const dashedXs = dashed.subpaths[0].map(([x]) => x);
    expect(dashedXs[0]).toBeCloseTo(xOf(7), 0);
    expect(dashedXs.at(-1)).toBeCloseTo(xOf(12), 0);

    const band = polygons(root).find((p) => p.attrs['fill-opacity'] === '0.12')!;
    expect(band.xs[0]).toBeCloseTo(xOf(8) - (xOf(1) - xOf(0)) / 2, 0);
    expect(band.xs[1]).toBeCloseTo(xOf(11) + (xOf(1) - xOf(0)) / 2, 0);
    const labels = texts(root).filter((t) => t.text === 'estimated');
    expect(labels.map((t) => t.y < PLOT_TOP)).toEqual([true, true]); // over the band, and the legend's key
  });

  it('shades windows, clipped to the axis, with their labels over the plot', () => {
    const root = parseSvg(
      renderUsageChart(
        hourly({
          series: [{ name: 'CPU', values: constant(30) }],
          shadedWindows: [
            { from: FROM + 6 * HOUR, to: new Date(FROM + 9 * HOUR), label: 'contention' },
            { from: TO - 3 * HOUR, to: TO + 5 * HOUR, label: 'late' },
            { from: TO + HOUR, to: TO + 2 * HOUR, label: 'after the axis' },
          ],
        }),
      ),
    );
    const shades = polygons(root).filter((p) => p.attrs.fill === 'rgb(220,38,38)');
    expect(shades.map((p) => [p.xs[0], p.xs[1]])).toEqual([
      [280, 380],
      [780, 880],
    ]);
    const words = texts(root).map((t) => t.text);
    expect(words).toEqual(expect.arrayContaining(['contention', 'late']));
    expect(words).not.toContain('after the axis');
  });

  it('stacks series as areas, each line on the top of the ones below; a gap below lets the next one sit lower', () => {
    const lower = constant(10).map((v, i) => (i === 5 ? null : v));
    const root = parseSvg(
      renderUsageChart(
        hourly({
          unit: 'IOPS',
          stacked: true,
          maxByUnit: { IOPS: 40 },
          series: [
            { name: 'web1', values: lower },
            { name: 'web2', values: constant(20) },
          ],
        }),
      ),
    );
    const [web1, web2] = seriesLines(root);
    expect(web1.subpaths.flat().every(([, y]) => y === yOf(10, 40))).toBe(true);
    expect(web2.subpaths).toHaveLength(1);
    const ys = web2.subpaths[0].map(([, y]) => y);
    expect(ys[4]).toBe(yOf(30, 40));
    expect(ys[5]).toBe(yOf(20, 40));
    expect(ys[6]).toBe(yOf(30, 40));
    const areas = elements(root, 'path').filter((p) => p.attrs['fill-opacity'] === '0.35');
    expect(areas.map((p) => p.attrs.fill)).toEqual([USAGE_SERIES_COLORS[0], USAGE_SERIES_COLORS[1]]);
    expect(areas[0].attrs.d.match(/M/g)).toHaveLength(2); // web1's area breaks at its gap
  });

  it('puts a second unit on a right-hand axis and refuses a third', () => {
    const input = hourly({
      unit: 'IOPS',
      series: [
        { name: 'IOPS', values: constant(300) },
        { name: 'throughput', unit: 'B/s', values: constant(40e6) },
      ],
    });
    const right = texts(parseSvg(renderUsageChart(input))).filter((t) => t.x > PLOT_RIGHT);
    expect(right.length).toBeGreaterThan(2);
    expect(right.every((t) => t.text === '0' || t.text.endsWith(' MB/s'))).toBe(true);
    expect(() => renderUsageChart({ ...input, series: [...input.series, { name: 'latency', unit: 'ms', values: constant(3) }] })).toThrow(
      'two Y axes at most',
    );
  });

  it('writes time labels in the requested zone', () => {
    const from = Date.UTC(2025, 2, 9, 23); // midnight in Berlin
    const root = parseSvg(
      renderUsageChart({
        ...hourly({ series: [{ name: 'CPU', values: constant(1) }] }),
        axis: { from, to: from + 24 * HOUR, stepMs: HOUR },
        timestamps: Array.from({ length: 24 }, (_, i) => from + i * HOUR),
        timeZone: 'Europe/Berlin',
      }),
    );
    const xLabels = texts(root).filter((t) => t.y > PLOT_BOTTOM);
    expect(xLabels.slice(0, 2).map((t) => [t.text, t.x])).toEqual([
      ['10 Mar', 80],
      ['02:00', 146.6667],
    ]);
  });

  it('is the same text for the same input, with ids that differ between charts', () => {
    const input = hourly({ series: [{ name: 'CPU', values: constant(30), estimated: constant(0).map((_, i) => i === 3) }] });
    const first = renderUsageChart(input);
    expect(renderUsageChart(input)).toBe(first);
    expect(first).not.toMatch(/zr\d+-/);
    const other = renderUsageChart({ ...input, title: 'Other' });
    const ids = (svg: string) => elements(parseSvg(svg), '*').flatMap((e) => (e.attrs.id ? [e.attrs.id] : []));
    expect(ids(first).length).toBeGreaterThan(0);
    expect(new Set(ids(first)).size).toBe(ids(first).length);
    expect(ids(first).filter((id) => ids(other).includes(id))).toEqual([]);
    for (const ref of first.matchAll(/url\(#([^)]+)\)/g)) expect(ids(first)).toContain(ref[1]);
  });

  it('refuses mis-shaped input', () => {
    const ok = hourly({ series: [{ name: 'CPU', values: constant(1) }] });
    const bad: [string, UsageChartInput][] = [
      ['values for', { ...ok, series: [{ name: 'CPU', values: constant(1, 23) }] }],
      ['estimated flags', { ...ok, series: [{ name: 'CPU', values: constant(1), estimated: [true] }] }],
      ['is not a usage', { ...ok, series: [{ name: 'CPU', values: constant(-1) }] }],
      ['is not a usage', { ...ok, series: [{ name: 'CPU', values: constant(Number.NaN) }] }],
      ['ascending', { ...ok, timestamps: [...ok.timestamps].reverse() }],
      ['end after it starts', { ...ok, axis: { from: TO, to: FROM, stepMs: HOUR } }],
      ['stepMs', { ...ok, axis: { from: FROM, to: TO, stepMs: 0 } }],
      ['unknown time zone', { ...ok, timeZone: 'Europe/Atlantis' }],
      ['no room', { ...ok, width: 100 }],
    ];
    for (const [message, input] of bad) expect(() => renderUsageChart(input)).toThrow(message);
  });

  it('renders 1,500 points x 3 series well under a second (sanity bound: 5 s)', () => {
    const n = 1500;
    const stepMs = (30 * 24 * HOUR) / n;
    const from = TO - 30 * 24 * HOUR;
    const timestamps = Array.from({ length: n }, (_, i) => from + i * stepMs);
    const started = performance.now();
    const svg = renderUsageChart({
      title: 'Network',
      unit: 'bit/s',
      axis: { from, to: TO, stepMs },
      timestamps,
      series: [1, 2, 3].map((k) => ({
        name: `eth${k}`,
        values: timestamps.map((_, i) => (i % 200 === 0 ? null : 1e8 * k * (1 + Math.sin(i / (20 * k))))),
        estimated: timestamps.map((_, i) => i % 300 > 290),
      })),
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(seriesLines(parseSvg(svg)).length).toBe(6);
  });

  it('disposes every chart: 100 renders leave no timer running', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    for (let i = 0; i < 100; i++) renderUsageChart(hourly({ series: [{ name: 'CPU', values: constant(i % 100) }] }));
    // zrender's frame loop notices a disposed chart on its next frame.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

// A small SVG reader: enough XML to prove the document well formed and to find things by geometry.

interface SvgElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: SvgElement[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#39': "'" };
const decode = (s: string) => s.replace(/&(lt|gt|amp|quot|apos|#39);/g, (_, name: string) => ENTITIES[name]);

function parseSvg(svg: string): SvgElement {
  const token = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const top: SvgElement = { name: '#document', attrs: {}, text: '', children: [] };
  const open: SvgElement[] = [top];
  let match: RegExpExecArray | null;
  while (token.lastIndex < svg.length && (match = token.exec(svg))) {
    const [, closing, name, attrs, selfClosing, text] = match;
    const current = open[open.length - 1];
    if (closing) {
      if (closing !== current.name) throw new Error(`</${closing}> closes <${current.name}>`);
      open.pop();
    } else if (name) {
      const element: SvgElement = { name, attrs: {}, text: '', children: [] };
      for (const [, key, value] of (attrs ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) element.attrs[key] = decode(value);
      current.children.push(element);
      if (!selfClosing) open.push(element);
    } else if (text !== undefined) {
      if (/[<&](?!(lt|gt|amp|quot|apos|#39);)/.test(text)) throw new Error(`unescaped text ${text}`);
      current.text += decode(text);
    }
  }
  if (token.lastIndex !== svg.length) throw new Error(`not XML at offset ${token.lastIndex}: ${svg.slice(token.lastIndex, token.lastIndex + 40)}`);
  if (open.length !== 1) throw new Error(`<${open[open.length - 1].name}> is never closed`);
  const roots = top.children;
  if (roots.length !== 1) throw new Error(`${roots.length} root elements`);
  return roots[0];
}

function elements(root: SvgElement, name: string): SvgElement[] {
  const out: SvgElement[] = [];
  const walk = (e: SvgElement) => {
    if (name === '*' || e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** Each <text> with where its transform puts it. */
function texts(root: SvgElement): { text: string; x: number; y: number }[] {
  return elements(root, 'text').map((e) => {
    const [x, y] = (/translate\(([-\d.]+) ([-\d.]+)\)/.exec(e.attrs.transform ?? '') ?? [0, 0, 0]).slice(1).map(Number);
    return { text: e.text, x, y };
  });
}

/** Two-point paths: axis line, ticks, grid lines. */
function straightLines(root: SvgElement): { d: string; x1: number; y1: number; x2: number; y2: number }[] {
  return elements(root, 'path').flatMap((e) => {
    const m = /^M([-\d.]+) ([-\d.]+)L([-\d.]+) ([-\d.]+)$/.exec(e.attrs.d ?? '');
    if (!m || e.attrs.transform) return [];
    const [x1, y1, x2, y2] = m.slice(1).map(Number);
    return [{ d: e.attrs.d, x1: Math.round(x1), y1: Math.round(y1), x2: Math.round(x2), y2: Math.round(y2) }];
  });
}

/** The drawn data lines (clipped to the plot, not empty), in series order, split into their subpaths. */
function seriesLines(root: SvgElement): { stroke: string; dashed: boolean; subpaths: [number, number][][] }[] {
  return elements(root, 'g')
    .filter((g) => g.attrs['clip-path'])
    .flatMap((g) => g.children)
    .filter((p) => p.name === 'path' && p.attrs.d && p.attrs.fill === 'none' && p.attrs['stroke-width'] === '1.5')
    .map((p) => ({
      stroke: p.attrs.stroke,
      dashed: p.attrs['stroke-dasharray'] !== undefined,
      subpaths: p.attrs.d
        .split('M')
        .filter(Boolean)
        .map((sub) => sub.split('L').map((pair) => pair.trim().split(' ').map(Number) as [number, number])),
    }));
}

function polygons(root: SvgElement): { attrs: Record<string, string>; xs: number[] }[] {
  return elements(root, 'polygon').map((p) => {
    const xs = p.attrs.points.split(' ').filter((_, i) => i % 2 === 0).map(Number);
    return { attrs: p.attrs, xs: [Math.min(...xs), Math.max(...xs)] };
  });
}

/** The charts one above the other in one SVG, as a page shows them (CARVE_GRAPH_PREVIEW=file.svg). */
function stackVertically(svgs: string[]): string {
  const nested = svgs.map((svg, i) => svg.replace('<svg ', `<svg y="${i * HEIGHT}" `));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT * svgs.length}">\n${nested.join('\n')}\n</svg>\n`;
}

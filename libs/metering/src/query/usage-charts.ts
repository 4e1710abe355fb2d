import { renderUsageChart, UsageSeries } from '../graphs';
import type { UsageReport } from './usage-report';

export const USAGE_METRICS = ['cpu', 'disk', 'net'] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/**
 * One of the three stacked graphs of a usage report. All three take the report's axis,
 * size and layout, so stacked on a page their X axes line up to the pixel.
 */
export function usageChartSvg(report: UsageReport, metric: UsageMetric, title: string): string {
  const timestamps = report.timestamps.map((t) => Date.parse(t));
  const axis = { from: Date.parse(report.from), to: Date.parse(report.to), stepMs: report.stepSeconds * 1000 };
  const estimated = report.estimated;
  const s = (name: string, values: (number | null)[], unit?: UsageSeries['unit']): UsageSeries => ({ name, values, estimated, ...(unit ? { unit } : {}) });
  switch (metric) {
    case 'cpu':
      return renderUsageChart({ title: `${title}: CPU (% of one CPU)`, axis, timestamps, unit: '%', series: [s('CPU', report.series.cpuPercent)] });
    case 'disk':
      return renderUsageChart({
        title: `${title}: disk`,
        axis,
        timestamps,
        unit: 'IOPS',
        series: [s('read IOPS', report.series.readIops), s('write IOPS', report.series.writeIops), s('ms per request', report.series.msPerRequest, 'ms')],
      });
    case 'net':
      return renderUsageChart({
        title: `${title}: network`,
        axis,
        timestamps,
        unit: 'bit/s',
        series: [s('in', report.series.netInBitsPerSecond), s('out', report.series.netOutBitsPerSecond)],
      });
  }
}

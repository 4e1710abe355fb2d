import { renderUsageChart } from '@carve/metering';
import type { IoImpactAnalysis } from './io-impact.model';
import type { IoWindow } from './io-impact.window';

/**
 * Read + write IOPS per server, stacked, over the report's window, with the contention
 * windows shaded (labelled by whether a neighbour suffered). Drawn by the usage graphs'
 * renderer, so it has their size and layout and lines up with them on a page.
 */
export function ioImpactChartSvg(title: string, window: IoWindow, analysis: IoImpactAnalysis, label: (serverId: string) => string): string {
  const ids = analysis.servers.map((s) => s.serverId);
  return renderUsageChart({
    title,
    axis: { from: window.from, to: window.to, stepMs: window.stepMs },
    timestamps: analysis.timeline.map((s) => s.start),
    unit: 'IOPS',
    stacked: true,
    series: ids.map((id) => ({ name: label(id), values: analysis.timeline.map((s) => s.iopsByServer.get(id) ?? null) })),
    shadedWindows: analysis.windows.map((w) => ({ from: w.from, to: w.to, label: w.harmful ? 'contention' : 'busy' })),
  });
}

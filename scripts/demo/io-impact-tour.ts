/** The IO impact report as an operator reads it: offenders, their contention windows, who suffered, what to do. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IoImpactReport } from './api-types';
import type { DemoContext } from './demo-context';
import { textTable } from './text-table';

const percent = (share: number) => `${Math.round(share * 100)}%`;
const clock = (iso: string) => iso.slice(11, 16);
const named = (s: { serverName: string | null; serverId: string }) => s.serverName ?? s.serverId.slice(0, 8);

export function printIoImpact(ctx: DemoContext, report: IoImpactReport): void {
  const n = ctx.narrator;
  n.detail(
    `${report.hostName}, ${clock(report.from)}-${clock(report.to)} UTC in ${report.stepSeconds} s steps: busiest disk ${report.host.busyPercent.p95 ?? '?'}% busy (p95), ` +
      `${report.contentionWindows.length} contention window(s), ${report.host.contendedSeconds} s contended`,
  );
  n.detail('offenders, ranked by the disk time they took while a neighbour suffered:');
  n.detail(
    textTable(
      ['rank', 'server', 'customer', 'disk time', 'IOPS p95', 'windows', 'victims'],
      report.offenders.map((o) => [String(o.rank), named(o), o.customerName ?? '?', percent(o.shareOfDiskTime), String(Math.round(o.contendedIopsP95)), String(o.harmfulWindows), o.victims.map(named).join(', ')]),
      [0, 3, 4, 5],
    ),
  );
  n.detail('contention windows:');
  for (const w of report.contentionWindows) {
    const top = w.consumers[0];
    const suffered = w.victims.map((v) => `${named(v)} ${v.latencyFactor ?? '?'}x its ${v.baselineMsPerRequest ?? '?'} ms per request (${v.reasons.join(', ')})`);
    n.detail(
      `  ${clock(w.from)}-${clock(w.to)} ${w.reasons.join(', ')}, peak ${w.peakBusyPercent ?? '?'}% busy, ${Math.round(w.hostIops)} IOPS; ` +
        `${top ? `${named(top)} took ${percent(top.shareOfDiskTime)} of the disk time` : 'no consumer'}; ${suffered.length > 0 ? `suffered: ${suffered.join('; ')}` : 'nobody suffered'}`,
    );
  }
  const first = report.offenders[0];
  if (first) {
    const advice = first.recommendation;
    n.detail(`what to do about ${named(first)}:`);
    for (const c of advice.candidateHosts) {
      const io = c.io.fits === 'unknown' ? 'IO fit unknown' : c.io.fits ? `its IO fits (${c.io.projectedBusyPercent ?? '?'}% busy projected)` : 'its IO does not fit';
      n.detail(`  move to ${c.hostName}: ${c.suitable ? 'room' : `short of ${c.shortOf.join('; ')}`} (free ${c.free.memoryMiB} MiB, ${c.free.vcpus} vCPUs, ${c.free.diskGiB} GiB), ${io}`);
    }
    n.detail(`  dedicated host: ${advice.dedicatedHost.recommended ? 'recommended' : 'not needed'}: ${advice.dedicatedHost.reason}`);
    n.detail(`  limits: CPU ${advice.limits.cpu.command}; network ${advice.limits.network.setting}`);
  }
  n.detail(report.noDiskIoLimit);
}

/** GET /v1/hosts/:id/io-impact.svg over the same window, saved beside the demo's other graphs. */
export async function saveIoImpactGraph(ctx: DemoContext, hostId: string, hostName: string, from: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const { body, contentType } = await ctx.operator.document(`/v1/hosts/${hostId}/io-impact.svg?from=${encodeURIComponent(from)}`);
  if (!contentType.startsWith('image/svg+xml')) throw new Error(`io-impact.svg answered ${contentType}, not an SVG`);
  const file = join(dir, `io-impact-${hostName}.svg`);
  writeFileSync(file, body);
  return file;
}

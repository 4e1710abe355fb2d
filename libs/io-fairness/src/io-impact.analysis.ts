/**
 * The IO impact analysis of one host over one window, as a pure function of metering's
 * per-server spans and the host's disk busy time: per-server IO and latency, contention
 * windows, who consumed the disks while they were contended, and who suffered.
 */
import { AnalysisInput, AvgP95, CONTENTION_REASONS, ContentionReason, ContentionWindow, HostIoSummary, IoImpactAnalysis, Offender, ServerIoStats, WindowConsumer, WindowVictim } from './io-impact.model';

interface Acc {
  readRequests: number;
  writeRequests: number;
  readBytes: number;
  writeBytes: number;
  ooRequests: number;
  readTicksMs: number;
  writeTicksMs: number;
  coveredMs: number;
}

const zero = (): Acc => ({ readRequests: 0, writeRequests: 0, readBytes: 0, writeBytes: 0, ooRequests: 0, readTicksMs: 0, writeTicksMs: 0, coveredMs: 0 });
const requestsOf = (a: Acc) => a.readRequests + a.writeRequests;
const bytesOf = (a: Acc) => a.readBytes + a.writeBytes;
const ticksOf = (a: Acc) => a.readTicksMs + a.writeTicksMs;
const MB = 1e6;

/** Nearest-rank percentile; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const median = (values: readonly number[]) => percentile(values, 50);

/** Calls back with each step a span overlaps and the overlap in ms; counters are spread evenly over the span. */
function eachStep(from: number, to: number, window: { from: number; to: number; stepMs: number }, visit: (index: number, overlapMs: number) => void): void {
  const start = Math.max(from, window.from);
  const end = Math.min(to, window.to);
  for (let i = Math.floor((start - window.from) / window.stepMs); window.from + i * window.stepMs < end; i++) {
    const a = Math.max(start, window.from + i * window.stepMs);
    const b = Math.min(end, window.from + (i + 1) * window.stepMs);
    if (b > a) visit(i, b - a);
  }
}

export function analyseIoImpact(input: AnalysisInput): IoImpactAnalysis {
  const { from, to, stepMs, rules } = input;
  const steps = Math.max(0, Math.ceil((to - from) / stepMs));
  const perServer = new Map<string, { customerId: string; bins: Map<number, Acc> }>();
  for (const span of input.servers) {
    let entry = perServer.get(span.serverId);
    if (!entry) {
      entry = { customerId: span.customerId, bins: new Map() };
      perServer.set(span.serverId, entry);
    }
    const length = span.to - span.from;
    if (!(length > 0)) continue;
    const bins = entry.bins;
    eachStep(span.from, span.to, input, (i, overlap) => {
      const f = overlap / length;
      const acc = bins.get(i) ?? zero();
      acc.readRequests += span.readRequests * f;
      acc.writeRequests += span.writeRequests * f;
      acc.readBytes += span.readBytes * f;
      acc.writeBytes += span.writeBytes * f;
      acc.ooRequests += span.ooRequests * f;
      acc.readTicksMs += span.readTicksMs * f;
      acc.writeTicksMs += span.writeTicksMs * f;
      acc.coveredMs += overlap;
      bins.set(i, acc);
    });
  }
  const disk = Array.from({ length: steps }, () => ({ busyMs: 0, busiestMs: 0, coveredMs: 0, diskMs: 0 }));
  for (const d of input.disks) {
    const length = d.to - d.from;
    if (!(length > 0)) continue;
    eachStep(d.from, d.to, input, (i, overlap) => {
      const f = overlap / length;
      disk[i]!.busyMs += d.busyMs * f;
      disk[i]!.busiestMs += d.busiestDiskBusyMs * f;
      disk[i]!.coveredMs += overlap;
      disk[i]!.diskMs += overlap * d.diskCount;
    });
  }

  // Per step: the host's IO (each server's rate over the time it was read, then summed), utilisation, contention.
  const serverIds = [...perServer.keys()].sort();
  const stepInfo = Array.from({ length: steps }, (_, i) => {
    let iops = 0;
    let bps = 0;
    let oo = 0;
    let ticks = 0;
    let requests = 0;
    const iopsByServer = new Map<string, number>();
    for (const id of serverIds) {
      const acc = perServer.get(id)!.bins.get(i);
      if (!acc || acc.coveredMs <= 0) continue;
      const r = (requestsOf(acc) / acc.coveredMs) * 1000;
      iopsByServer.set(id, r);
      iops += r;
      bps += (bytesOf(acc) / acc.coveredMs) * 1000;
      oo += acc.ooRequests;
      ticks += ticksOf(acc);
      requests += requestsOf(acc);
    }
    const d = disk[i]!;
    const busyFraction = d.coveredMs > 0 ? Math.min(1, d.busiestMs / d.coveredMs) : null;
    const reasons: ContentionReason[] = [];
    if (busyFraction !== null && busyFraction > rules.busyThreshold) reasons.push('disks-busy');
    if (rules.capacityIops !== null && iops > rules.capacityIops) reasons.push('iops-over-baseline');
    if (rules.capacityBytesPerSecond !== null && bps > rules.capacityBytesPerSecond) reasons.push('throughput-over-baseline');
    if (oo >= 0.5) reasons.push('out-of-requests');
    return { start: from + i * stepMs, iops, bps, oo, ticks, requests, busyFraction, busyMs: d.coveredMs > 0 ? d.busyMs : null, reasons, iopsByServer };
  });
  const contended = (i: number) => stepInfo[i]!.reasons.length > 0;

  // Baselines: time per request while the disks were not contended, per server and for the whole host.
  const baselines = new Map<string, number | null>();
  for (const id of serverIds) {
    const values: number[] = [];
    for (const [i, acc] of perServer.get(id)!.bins) if (!contended(i) && requestsOf(acc) >= 1) values.push(ticksOf(acc) / requestsOf(acc));
    baselines.set(id, median(values));
  }
  const hostBaseline = median(stepInfo.flatMap((s, i) => (!contended(i) && s.requests >= 1 ? [s.ticks / s.requests] : [])));

  // Attributed busy time: the disks' busy time of a step split by the servers' disk time in it.
  const attributedBusy = (id: string, i: number): number | null => {
    const s = stepInfo[i]!;
    if (s.busyMs === null) return null;
    const acc = perServer.get(id)!.bins.get(i);
    if (!acc || s.ticks <= 0) return 0;
    return (ticksOf(acc) / s.ticks) * s.busyMs;
  };

  const windows: (ContentionWindow & { steps: number[] })[] = [];
  for (let i = 0; i < steps; i++) {
    if (!contended(i)) continue;
    const run: number[] = [];
    while (i < steps && contended(i)) run.push(i++);
    windows.push(describeWindow(run));
  }

  function describeWindow(run: number[]): ContentionWindow & { steps: number[] } {
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const reasons = CONTENTION_REASONS.filter((r) => run.some((i) => stepInfo[i]!.reasons.includes(r)));
    const busy = run.flatMap((i) => (stepInfo[i]!.busyFraction === null ? [] : [stepInfo[i]!.busyFraction!]));
    const sums = new Map<string, Acc>();
    for (const id of serverIds) {
      const total = zero();
      for (const i of run) {
        const acc = perServer.get(id)!.bins.get(i);
        if (!acc) continue;
        for (const k of Object.keys(total) as (keyof Acc)[]) total[k] += acc[k];
      }
      if (total.coveredMs > 0) sums.set(id, total);
    }
    const allTicks = [...sums.values()].reduce((s, a) => s + ticksOf(a), 0);
    const consumers: WindowConsumer[] = [...sums.entries()]
      .map(([id, a]) => ({ serverId: id, customerId: perServer.get(id)!.customerId, diskTimeMs: round(ticksOf(a)), shareOfDiskTime: allTicks > 0 ? ticksOf(a) / allTicks : 0, requests: Math.round(requestsOf(a)), bytes: Math.round(bytesOf(a)) }))
      .sort((a, b) => b.diskTimeMs - a.diskTimeMs || b.requests - a.requests);
    const top = consumers[0]?.serverId;
    const victims: WindowVictim[] = [];
    for (const [id, a] of sums) {
      if (id === top) continue;
      const requests = requestsOf(a);
      const baseline = baselines.get(id) ?? hostBaseline;
      const msPerRequest = requests >= 1 ? ticksOf(a) / requests : null;
      const extra = msPerRequest !== null && baseline !== null ? (ticksOf(a) - requests * baseline) / (a.coveredMs / 1000) : null;
      const factor = msPerRequest !== null && baseline !== null && baseline > 0 ? msPerRequest / baseline : null;
      const why: WindowVictim['reasons'] = [];
      if (factor !== null && extra !== null && factor >= rules.victimLatencyFactor && extra >= rules.victimMinExtraWaitMsPerSecond) why.push('latency');
      if (a.ooRequests >= 0.5) why.push('out-of-requests');
      if (why.length === 0) continue;
      victims.push({
        serverId: id,
        customerId: perServer.get(id)!.customerId,
        reasons: why,
        msPerRequest: msPerRequest === null ? null : round(msPerRequest),
        baselineMsPerRequest: baseline === null ? null : round(baseline),
        latencyFactor: factor === null ? null : round(factor),
        extraWaitMsPerSecond: extra === null ? null : round(extra),
        ooRequests: Math.round(a.ooRequests),
      });
    }
    victims.sort((a, b) => (b.extraWaitMsPerSecond ?? 0) - (a.extraWaitMsPerSecond ?? 0));
    return {
      from: from + first * stepMs,
      to: from + (last + 1) * stepMs,
      reasons,
      peakBusyPercent: busy.length > 0 ? round(Math.max(...busy) * 100) : null,
      avgBusyPercent: busy.length > 0 ? round((busy.reduce((s, v) => s + v, 0) / busy.length) * 100) : null,
      hostIops: round(run.reduce((s, i) => s + stepInfo[i]!.iops, 0) / run.length),
      hostMBps: round(run.reduce((s, i) => s + stepInfo[i]!.bps, 0) / run.length / MB),
      ooRequests: Math.round(run.reduce((s, i) => s + stepInfo[i]!.oo, 0)),
      consumers: consumers.map((c) => ({ ...c, shareOfDiskTime: round(c.shareOfDiskTime, 4) })),
      victims,
      harmful: victims.length > 0,
      steps: run,
    };
  }

  // Offenders: disk time and IO in the windows that hurt someone; a server busy only when nobody else was is not one.
  const harmfulSteps = windows.filter((w) => w.harmful).flatMap((w) => w.steps);
  const contendedTicks = new Map<string, Acc>();
  for (const id of serverIds) {
    const total = zero();
    for (const i of harmfulSteps) {
      const acc = perServer.get(id)!.bins.get(i);
      if (acc) for (const k of Object.keys(total) as (keyof Acc)[]) total[k] += acc[k];
    }
    contendedTicks.set(id, total);
  }
  const allContendedTicks = [...contendedTicks.values()].reduce((s, a) => s + ticksOf(a), 0);
  const offenders: Offender[] = serverIds
    .map((id) => ({ id, a: contendedTicks.get(id)! }))
    .filter(({ a }) => allContendedTicks > 0 && ticksOf(a) / allContendedTicks >= rules.offenderMinShare)
    .sort((x, y) => ticksOf(y.a) - ticksOf(x.a) || requestsOf(y.a) - requestsOf(x.a))
    .map(({ id, a }, k) => {
      const mine = windows.filter((w) => w.harmful && w.consumers.some((c) => c.serverId === id && c.shareOfDiskTime >= rules.offenderMinShare));
      const steps = harmfulSteps.filter((i) => perServer.get(id)!.bins.get(i)?.coveredMs);
      const rate = (i: number, of: (a: Acc) => number) => {
        const acc = perServer.get(id)!.bins.get(i)!;
        return (of(acc) / acc.coveredMs) * 1000;
      };
      const busyShares = steps.flatMap((i) => {
        const b = attributedBusy(id, i);
        const covered = disk[i]!.coveredMs;
        return b === null || covered <= 0 ? [] : [b / (disk[i]!.diskMs || covered)];
      });
      const busy = harmfulSteps.map((i) => attributedBusy(id, i));
      return {
        rank: k + 1,
        serverId: id,
        customerId: perServer.get(id)!.customerId,
        diskTimeMs: round(ticksOf(a)),
        shareOfDiskTime: round(ticksOf(a) / allContendedTicks, 4),
        requests: Math.round(requestsOf(a)),
        bytes: Math.round(bytesOf(a)),
        diskBusyMs: busy.some((b) => b === null) ? null : round(busy.reduce<number>((s, b) => s + (b ?? 0), 0)),
        harmfulWindows: mine.length,
        victimServerIds: [...new Set(mine.flatMap((w) => w.victims.map((v) => v.serverId)).filter((v) => v !== id))].sort(),
        contendedIopsP95: round(percentile(steps.map((i) => rate(i, requestsOf)), 95) ?? 0),
        contendedMBpsP95: round((percentile(steps.map((i) => rate(i, bytesOf)), 95) ?? 0) / MB),
        contendedBusyShareP95: busyShares.length > 0 ? round(percentile(busyShares, 95)!, 4) : null,
      };
    });

  // Per-server figures over the whole window.
  const hostRequests = stepInfo.reduce((s, x) => s + x.requests, 0);
  const hostBytes = serverIds.reduce((s, id) => s + [...perServer.get(id)!.bins.values()].reduce((t, a) => t + bytesOf(a), 0), 0);
  const hostBusyKnown = stepInfo.some((s) => s.busyMs !== null);
  const hostBusy = stepInfo.reduce((s, x) => s + (x.busyMs ?? 0), 0);
  const servers: ServerIoStats[] = serverIds.map((id) => {
    const { customerId, bins } = perServer.get(id)!;
    const all = zero();
    for (const acc of bins.values()) for (const k of Object.keys(all) as (keyof Acc)[]) all[k] += acc[k];
    const covered = [...bins.values()].filter((a) => a.coveredMs > 0);
    const rateStat = (of: (a: Acc) => number, unit = 1): AvgP95 => ({
      avg: all.coveredMs > 0 ? round(((of(all) / all.coveredMs) * 1000) / unit) : null,
      p95: nullableRound(percentile(covered.map((a) => (of(a) / a.coveredMs) * 1000), 95), unit),
    });
    const latencyStat = (ticks: (a: Acc) => number, requests: (a: Acc) => number): AvgP95 => ({
      avg: requests(all) >= 1 ? round(ticks(all) / requests(all)) : null,
      p95: nullableRound(percentile(covered.filter((a) => requests(a) >= 1).map((a) => ticks(a) / requests(a)), 95)),
    });
    let attributed = 0;
    for (const i of bins.keys()) attributed += attributedBusy(id, i) ?? 0;
    return {
      serverId: id,
      customerId,
      coveredSeconds: Math.round(all.coveredMs / 1000),
      readIops: rateStat((a) => a.readRequests),
      writeIops: rateStat((a) => a.writeRequests),
      readMBps: rateStat((a) => a.readBytes, MB),
      writeMBps: rateStat((a) => a.writeBytes, MB),
      msPerRead: latencyStat((a) => a.readTicksMs, (a) => a.readRequests),
      msPerWrite: latencyStat((a) => a.writeTicksMs, (a) => a.writeRequests),
      msPerRequest: latencyStat(ticksOf, requestsOf),
      baselineMsPerRequest: nullableRound(baselines.get(id) ?? null),
      shareOfHostRequests: hostRequests > 0 ? round(requestsOf(all) / hostRequests, 4) : 0,
      shareOfHostBytes: hostBytes > 0 ? round(bytesOf(all) / hostBytes, 4) : 0,
      shareOfDiskBusy: hostBusyKnown && hostBusy > 0 ? round(attributed / hostBusy, 4) : hostBusyKnown ? 0 : null,
      ooRequests: Math.round(all.ooRequests),
      requests: Math.round(requestsOf(all)),
      bytes: Math.round(bytesOf(all)),
      diskTimeMs: round(ticksOf(all)),
    };
  });

  const measured = stepInfo.filter((s) => s.busyFraction !== null || s.iopsByServer.size > 0);
  const busy = stepInfo.flatMap((s) => (s.busyFraction === null ? [] : [s.busyFraction * 100]));
  const host: HostIoSummary = {
    busyPercent: { avg: busy.length > 0 ? round(busy.reduce((s, v) => s + v, 0) / busy.length) : null, p95: nullableRound(percentile(busy, 95)) },
    iops: { avg: measured.length > 0 ? round(measured.reduce((s, x) => s + x.iops, 0) / measured.length) : null, p95: nullableRound(percentile(measured.map((s) => s.iops), 95)) },
    mbps: { avg: measured.length > 0 ? round(measured.reduce((s, x) => s + x.bps, 0) / measured.length / MB) : null, p95: nullableRound(percentile(measured.map((s) => s.bps), 95), MB) },
    busyMs: hostBusyKnown ? Math.round(hostBusy) : null,
    requests: Math.round(hostRequests),
    bytes: Math.round(hostBytes),
    contendedSeconds: (stepInfo.filter((_, i) => contended(i)).length * stepMs) / 1000,
  };

  return {
    servers,
    host,
    windows: windows.map(({ steps: _steps, ...w }) => w),
    offenders,
    hostBaselineMsPerRequest: nullableRound(hostBaseline),
    timeline: stepInfo.map((s, i) => ({ start: s.start, busyFraction: s.busyFraction, contended: contended(i), iopsByServer: s.iopsByServer })),
  };
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function nullableRound(value: number | null, unit = 1): number | null {
  return value === null ? null : round(value / unit);
}

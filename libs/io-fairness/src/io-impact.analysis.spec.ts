import { analyseIoImpact, percentile } from './io-impact.analysis';
import { DEFAULT_IO_RULES, HostDiskSpan, IoRules, ServerIoSpan } from './io-impact.model';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 1);
const rules: IoRules = { busyThreshold: 0.9, capacityIops: null, capacityBytesPerSecond: null, ...DEFAULT_IO_RULES };

/** One minute of a server: `requests` at `msPerRequest`, half reads and half writes of 64 KiB. */
function minute(serverId: string, i: number, requests: number, msPerRequest: number, oo = 0): ServerIoSpan {
  return {
    serverId,
    customerId: `c-${serverId}`,
    from: T0 + i * MIN,
    to: T0 + (i + 1) * MIN,
    readRequests: requests / 2,
    writeRequests: requests / 2,
    readBytes: (requests / 2) * 65536,
    writeBytes: (requests / 2) * 65536,
    ooRequests: oo,
    readTicksMs: (requests / 2) * msPerRequest,
    writeTicksMs: (requests / 2) * msPerRequest,
  };
}

const disk = (i: number, busy: number): HostDiskSpan => ({ from: T0 + i * MIN, to: T0 + (i + 1) * MIN, diskCount: 2, busyMs: 2 * busy * MIN, busiestDiskBusyMs: busy * MIN });
const between = (i: number, a: number, b: number) => i >= a && i < b;

/** 60 minutes: heavy runs 10..20 beside two web neighbours; night runs 40..50 while everyone else idles. */
function scenario(): { servers: ServerIoSpan[]; disks: HostDiskSpan[] } {
  const servers: ServerIoSpan[] = [];
  const disks: HostDiskSpan[] = [];
  for (let i = 0; i < 60; i++) {
    const day = between(i, 10, 20);
    const night = between(i, 40, 50);
    const saturated = day || night;
    const latency = saturated ? 85 : 4;
    servers.push(minute('heavy', i, day ? 13_500 : 6, latency));
    servers.push(minute('night', i, night ? 13_500 : 6, latency));
    for (const q of ['q1', 'q2']) servers.push(minute(q, i, i >= 30 ? 10 : day ? 180 : 1000, latency));
    disks.push(disk(i, saturated ? 1 : 0.2));
  }
  return { servers, disks };
}

describe('analyseIoImpact', () => {
  const { servers, disks } = scenario();
  const result = analyseIoImpact({ from: T0, to: T0 + 60 * MIN, stepMs: MIN, servers, disks, rules });

  it('finds both windows where the disks were busy beyond the threshold', () => {
    expect(result.windows.map((w) => [(w.from - T0) / MIN, (w.to - T0) / MIN, w.reasons])).toEqual([
      [10, 20, ['disks-busy']],
      [40, 50, ['disks-busy']],
    ]);
    expect(result.windows[0]!.consumers[0]!.serverId).toBe('heavy');
    expect(result.windows[1]!.consumers[0]!.serverId).toBe('night');
  });

  it('names the neighbours whose time per request rose as victims, not the biggest consumer', () => {
    const [day, night] = result.windows;
    expect(day!.victims.map((v) => v.serverId).sort()).toEqual(['q1', 'q2']);
    expect(day!.victims[0]!.latencyFactor).toBeCloseTo(85 / 4, 1);
    expect(day!.harmful).toBe(true);
    // At night the neighbours did a request every few seconds: slower, but it cost them next to nothing.
    expect(night!.victims).toEqual([]);
    expect(night!.harmful).toBe(false);
  });

  it('ranks offenders by what they consumed while someone suffered, not by totals', () => {
    expect(result.offenders.map((o) => o.serverId)).toEqual(['heavy']);
    expect(result.offenders[0]).toMatchObject({ rank: 1, harmfulWindows: 1, victimServerIds: ['q1', 'q2'] });
    const night = result.servers.find((s) => s.serverId === 'night')!;
    const heavy = result.servers.find((s) => s.serverId === 'heavy')!;
    // Same totals, different harm.
    expect(night.requests).toBe(heavy.requests);
    expect(result.offenders[0]!.contendedBusyShareP95).toBeGreaterThan(0.9);
  });

  it('reports per-server IOPS, MB/s and time per request with averages and p95', () => {
    const heavy = result.servers.find((s) => s.serverId === 'heavy')!;
    expect(heavy.writeIops.p95).toBeCloseTo(6750 / 60, 1);
    expect(heavy.msPerRequest.p95).toBe(85);
    expect(heavy.baselineMsPerRequest).toBe(4);
    expect(heavy.writeMBps.p95).toBeCloseTo((6750 * 65536) / 60 / 1e6, 1);
    expect(result.servers.reduce((s, x) => s + x.shareOfHostRequests, 0)).toBeCloseTo(1, 2);
    expect(result.servers.reduce((s, x) => s + (x.shareOfDiskBusy ?? 0), 0)).toBeCloseTo(1, 2);
    expect(result.host.contendedSeconds).toBe(20 * 60);
  });

  it('treats out-of-request events and a capacity baseline as contention', () => {
    const quiet = [0, 1, 2, 3].flatMap((i) => [minute('a', i, 600, 4, i === 2 ? 30 : 0), minute('b', i, 600, 4, i === 2 ? 30 : 0)]);
    const oo = analyseIoImpact({ from: T0, to: T0 + 4 * MIN, stepMs: MIN, servers: quiet, disks: [], rules });
    expect(oo.windows.map((w) => w.reasons)).toEqual([['out-of-requests']]);
    // Both ran out of slots; the one that is not the biggest consumer is a victim.
    expect(oo.windows[0]!.victims).toHaveLength(1);
    const capped = analyseIoImpact({ from: T0, to: T0 + 4 * MIN, stepMs: MIN, servers: quiet, disks: [], rules: { ...rules, capacityIops: 15 } });
    expect(capped.windows).toHaveLength(1);
    expect(capped.windows[0]!.reasons).toEqual(['iops-over-baseline', 'out-of-requests']);
  });

  it('spreads a span over the steps it covers', () => {
    const span = { ...minute('a', 0, 120, 4), to: T0 + 2 * MIN };
    const r = analyseIoImpact({ from: T0, to: T0 + 2 * MIN, stepMs: MIN, servers: [span], disks: [], rules });
    expect(r.timeline.map((s) => s.iopsByServer.get('a'))).toEqual([1, 1]);
  });
});

describe('percentile', () => {
  it('is the nearest rank', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
  });
});

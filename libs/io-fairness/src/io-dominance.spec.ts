import { analyseIoImpact } from './io-impact.analysis';
import { DEFAULT_IO_RULES, HostDiskSpan, IoRules, ServerIoSpan } from './io-impact.model';
import { dominatedWindows } from './io-dominance';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 1);
const rules: IoRules = { busyThreshold: 0.9, capacityIops: null, capacityBytesPerSecond: null, ...DEFAULT_IO_RULES };

function minute(serverId: string, i: number, requests: number, msPerRequest: number): ServerIoSpan {
  const half = requests / 2;
  return { serverId, customerId: `c-${serverId}`, from: T0 + i * MIN, to: T0 + (i + 1) * MIN, readRequests: half, writeRequests: half, readBytes: half * 65536, writeBytes: half * 65536, ooRequests: 0, readTicksMs: half * msPerRequest, writeTicksMs: half * msPerRequest };
}

/** 90 minutes: `heavy` saturates the disks over `heavyMinutes` from minute 10, `shared` minutes 60..80 are saturated by two equal servers. */
function analysis(heavyFrom: number, heavyMinutes: number) {
  const servers: ServerIoSpan[] = [];
  const disks: HostDiskSpan[] = [];
  for (let i = 0; i < 90; i++) {
    const heavy = i >= heavyFrom && i < heavyFrom + heavyMinutes;
    const shared = i >= 60 && i < 80;
    const latency = heavy || shared ? 85 : 4;
    servers.push(minute('heavy', i, heavy ? 13_500 : 6, latency));
    servers.push(minute('twin-a', i, shared ? 6_000 : 6, latency));
    servers.push(minute('twin-b', i, shared ? 6_000 : 6, latency));
    servers.push(minute('web', i, heavy || shared ? 180 : 1000, latency));
    disks.push({ from: T0 + i * MIN, to: T0 + (i + 1) * MIN, diskCount: 2, busyMs: (heavy || shared ? 2 : 0.4) * MIN, busiestDiskBusyMs: (heavy || shared ? 1 : 0.2) * MIN });
  }
  return analyseIoImpact({ from: T0, to: T0 + 90 * MIN, stepMs: MIN, servers, disks, rules });
}

describe('dominatedWindows', () => {
  it('names the server that took most of the disk time of a window lasting at least the set minutes, with its share', () => {
    const found = dominatedWindows(analysis(10, 20).windows, T0, 15);
    expect(found).toEqual([{ serverId: 'heavy', customerId: 'c-heavy', from: T0 + 10 * MIN, to: T0 + 30 * MIN, share: expect.any(Number) }]);
    expect(found[0]!.share).toBeGreaterThan(0.9);
  });

  it('leaves out windows shorter than the set minutes, windows nobody dominated, and a window already under way when the span starts', () => {
    expect(dominatedWindows(analysis(10, 10).windows, T0, 15)).toEqual([]);
    expect(dominatedWindows(analysis(10, 10).windows, T0, 10).map((d) => d.serverId)).toEqual(['heavy']);
    // The twins' 20 minutes are contended, but neither took half the disk time.
    expect(analysis(10, 10).windows.some((w) => w.from === T0 + 60 * MIN)).toBe(true);
    expect(dominatedWindows(analysis(0, 20).windows, T0, 15)).toEqual([]);
  });
});

// Small test: a host reading's disk busy time from the previous reading's counters.
import { describe, expect, it } from '@jest/globals';
import type { DiskCounters, HostCursor } from '../storage/reading-cursors';
import { hostDiskSample } from './usage-ingest.service';

const counters = (ioTicksMs: number, ios = 1000): DiskCounters => ({ ioTicksMs, readIos: ios, writeIos: ios, readSectors: ios * 8, writeSectors: ios * 8 });
const cursor = (disks: Record<string, DiskCounters>): HostCursor => ({ hostId: 'h1', readAt: 1_000_000, disks });

describe('hostDiskSample', () => {
  it('counts each disk busy at most the time between the readings, the busiest apart', () => {
    const s = hostDiskSample(cursor({ md2: counters(5_000), sda: counters(0) }), { md2: counters(16_000, 3000), sda: counters(4_000, 1500) }, 1_010_000, 10_000);
    expect(s).toMatchObject({ from: 1_000_000, to: 1_010_000, kind: 'measured', diskCount: 2, busyMs: 14_000, busiestDiskBusyMs: 10_000, readIos: 2500, writeSectors: 20_000 });
  });

  it('reads io_ticks wrapping at 2^32 ms as the busy time it is, not as a reboot', () => {
    const s = hostDiskSample(cursor({ md2: counters(2 ** 32 - 3_000) }), { md2: counters(6_000, 3000) }, 1_010_000, 10_000);
    expect(s).toMatchObject({ busyMs: 9_000, busiestDiskBusyMs: 9_000, readIos: 2000 });
  });

  it('restarts a disk whose request counters went down (the host rebooted), and a disk it had not seen', () => {
    const s = hostDiskSample(cursor({ md2: counters(900_000, 5000) }), { md2: counters(300, 100), md3: counters(700, 10) }, 1_010_000, 10_000);
    expect(s).toMatchObject({ busyMs: 0, busiestDiskBusyMs: 0, readIos: 0, diskCount: 2 });
  });

  it('marks a reading that comes long after the last one as a gap', () => {
    expect(hostDiskSample(cursor({}), {}, 1_000_000 + 26_000, 10_000).kind).toBe('gap');
  });
});

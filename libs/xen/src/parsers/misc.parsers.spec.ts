import { describe, expect, it } from '@jest/globals';
import { parseDeviceCounters } from './device-counters.parser';
import { parseError } from './expect-parse-error';
import { fixture } from './fixture';
import { parseLvs, parseVgs } from './lvm.parser';
import { parseSchedCredit2 } from './sched-credit2.parser';
import { parseXmListLong } from './xm-list-long.parser';

describe('parseXmListLong', () => {
  it('reads the SXP form in any key order', () => {
    const domains = parseXmListLong(fixture('xm-list-long.sxp'));
    expect(domains.map((d) => [d.domid, d.name, d.cpuTimeSeconds, d.startTime, d.memoryMiB, d.maxMemoryMiB, d.state.summary])).toEqual([
      [3, 'web1', 10432.912345, 1700000000.12, 2048, 4096, 'blocked'],
      [11, 'crashy', 12, null, 512, null, 'crashed'],
      [null, 'stopped.vm', 0, null, 256, null, 'runnable'],
    ]);
  });

  it('gives the typed error naming the line', () => {
    expect(parseError(parseXmListLong, '(domain\n  (name a)\n  (memory 1)\n  (state -b----)\n')).toMatchObject({ parser: 'xm list --long', lineNumber: 1 });
    expect(parseError(parseXmListLong, '(domain\n  (name a)\n  (memory lots)\n  (state -b----))\n')).toMatchObject({ lineNumber: 3, line: '  (memory lots)' });
    expect(parseError(parseXmListLong, '(domain (name a) (memory 1))\n').reason).toMatch(/no state/);
    expect(parseError(parseXmListLong, 'hello\n').lineNumber).toBe(1);
  });
});

describe('LVM parsers', () => {
  it('reads vgs and lvs in bytes', () => {
    expect(parseVgs(fixture('vgs.txt'))).toEqual({ sizeBytes: 1099511627776, freeBytes: 536870912000 });
    expect(parseLvs(fixture('lvs.txt'))).toEqual([
      { name: 'web1-root', sizeBytes: 10737418240 },
      { name: 'web1-swap', sizeBytes: 1073741824 },
      { name: 'db.1_x-y-root', sizeBytes: 21474836480 },
    ]);
    expect(parseLvs('')).toEqual([]);
    expect(parseVgs('  WARNING: something odd\n  100 50\n')).toEqual({ sizeBytes: 100, freeBytes: 50 });
  });

  it('gives the typed error naming the line', () => {
    expect(parseError(parseVgs, '  10.5g 2g\n')).toMatchObject({ parser: 'vgs', lineNumber: 1 });
    expect(parseError(parseVgs, '')).toMatchObject({ parser: 'vgs' });
    expect(parseError(parseVgs, '  10 20\n').reason).toMatch(/larger/);
    expect(parseError(parseLvs, '  a 1\n  b\n')).toMatchObject({ parser: 'lvs', lineNumber: 2, line: '  b' });
  });
});

describe('parseSchedCredit2', () => {
  it('reads the listing form', () => {
    expect(parseSchedCredit2(fixture('sched-credit2.txt'))).toEqual([
      { pool: 'Pool-0', name: 'Domain-0', domid: 0, weight: 256, cap: 0 },
      { pool: 'Pool-0', name: 'web1', domid: 3, weight: 512, cap: 50 },
      { pool: 'Pool-0', name: 'db.1_x-y', domid: 7, weight: 256, cap: 0 },
    ]);
  });

  it('gives the typed error naming the line', () => {
    expect(parseError(parseSchedCredit2, 'web1 3 256 0\n').reason).toMatch(/Cpupool/);
    expect(parseError(parseSchedCredit2, 'Cpupool Pool-0: ratelimit=1000us\nweb1 3 heavy 0\n').lineNumber).toBe(2);
  });
});

describe('parseDeviceCounters', () => {
  it('reads per-vbd and per-vif counters, zero and huge', () => {
    expect(parseDeviceCounters(fixture('sysfs-counters.txt'))).toEqual({
      vbds: [
        { domid: 3, vdevNumber: 51712, vdev: 'xvda', ooReq: 0, rdReq: 1839201, wrReq: 7724410, rdSect: 60123456, wrSect: 301234567 },
        { domid: 3, vdevNumber: 51744, vdev: 'xvdc', ooReq: 12, rdReq: 0, wrReq: 0, rdSect: 0, wrSect: 9007199254740991 },
      ],
      vifs: [{ domid: 3, devid: 0, rxBytes: 1503237120, txBytes: 7340032000 }],
    });
    expect(parseDeviceCounters('')).toEqual({ vbds: [], vifs: [] });
  });

  it('gives the typed error for counters it cannot hold or lines it cannot read', () => {
    const tooBig = '/sys/class/net/vif3.0/statistics/rx_bytes:18446744073709551615\n';
    expect(parseError(parseDeviceCounters, tooBig)).toMatchObject({ parser: 'sysfs counters', lineNumber: 1 });
    expect(parseError(parseDeviceCounters, '/sys/class/net/vif3.0/statistics/rx_bytes:12\nrandom\n').lineNumber).toBe(2);
    expect(parseError(parseDeviceCounters, '/sys/class/net/vif3.0/statistics/rx_bytes:12\n').reason).toMatch(/tx_bytes/);
  });
});

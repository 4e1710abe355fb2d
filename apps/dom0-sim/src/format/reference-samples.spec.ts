import type { DomainView } from '../state/domain-view';
import { XENTOP_HEADER, formatXentopRow } from './xentop.format';
import { formatXlList } from './xl-list.format';
import { formatXlUptime, uptimeString } from './xl-uptime.format';
import { formatVcpuList } from './xl-vcpu-list.format';

// The derived samples of xen-reference.md, reproduced byte for byte.
const view = (name: string, domid: number, memoryMiB: number, vcpus: number, cpuSeconds: number, running = false): DomainView => ({
  name, domid, memoryMiB, maxMemMiB: memoryMiB, vcpus, maxVcpus: vcpus, running, cpuSeconds, startedAt: 0, cpuWeight: 256, capPercent: 0,
});

describe('formats match xen-reference.md samples', () => {
  it('xl list', () => {
    const out = formatXlList([view('Domain-0', 0, 4096, 4, 48211.7, true), view('web1', 3, 2048, 2, 10432.9)]);
    expect(out).toBe(
      'Name                                        ID   Mem VCPUs\tState\tTime(s)\n' +
        'Domain-0                                     0  4096     4     r-----   48211.7\n' +
        'web1                                         3  2048     2     -b----   10432.9\n',
    );
  });

  it('xl uptime with days, one day and hours only', () => {
    const now = 10 * 86400 * 10;
    const at = (s: number) => ({ ...view('x', 0, 1, 1, 0), startedAt: now - s });
    const out = formatXlUptime(
      [
        { ...at(12 * 86400 + 3 * 3600 + 4 * 60 + 5), name: 'Domain-0', domid: 0 },
        { ...at(86400 + 22 * 3600 + 7), name: 'web1', domid: 3 },
        { ...at(9 * 3600 + 59 * 60 + 1), name: 'db1', domid: 7 },
      ],
      now,
      false,
    );
    expect(out).toBe(
      'Name                                ID Uptime\n' +
        'Domain-0                             0 12 days,  3:04:05\n' +
        'web1                                 3 1 day, 22:00:07\n' +
        'db1                                  7  9:59:01\n',
    );
    expect(uptimeString(12 * 86400 + 3 * 3600 + 4 * 60 + 5, true)).toBe('12 days,  3:04');
  });

  it('xl uptime -s', () => {
    const now = Date.UTC(2024, 0, 1, 14, 27, 33) / 1000;
    const out = formatXlUptime([{ ...view('Domain-0', 0, 1, 1, 0), startedAt: now - (12 * 86400 + 3 * 3600 + 4 * 60 + 5) }], now, true);
    expect(out).toBe(' 14:27:33 up 12 days,  3:04, Domain-0 (0)\n');
  });

  it('xl vcpu-list', () => {
    const web1 = { ...view('web1', 3, 2048, 2, 5202.8 * 2), maxVcpus: 2 };
    const lines = formatVcpuList([web1], 16).split('\n');
    expect(lines[0]).toBe('Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)');
    expect(lines[2]).toMatch(/^web1 {33}3 {5}1 +\d+ {3}-b- {4}5202\.8 {2}all \/ all$/);
    expect(lines[2].indexOf('-b-')).toBe(52);
  });

  it('xentop header and rows', () => {
    const opts = { fullNames: false, vbdDetail: false, netDetail: false, totalMemoryMiB: 65536 };
    const web1 = view('web1', 3, 2048, 2, 10432.9);
    const row = formatXentopRow(
      {
        view: web1,
        cpuPercent: 12.5,
        counters: {
          cpuSeconds: 10432.9,
          vbds: {
            xvda: { oo_req: 0, rd_req: 1839201, wr_req: 7724410, f_req: 0, ds_req: 0, rd_sect: 60123456, wr_sect: 301234567 },
          },
          vifs: { '0': { rx_bytes: 1468006 * 1024, tx_bytes: 7168000 * 1024, rx_packets: 0, tx_packets: 0 } },
        },
      },
      opts,
    );
    expect(XENTOP_HEADER).toBe(
      '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID',
    );
    // The sample has two VBDs; with one, VBDS is 1 and the totals are the same.
    expect(row).toBe('      web1 --b---      10432   12.5    2097152    3.1    2098176       3.1     2    1  7168000  1468006    1        0  1839201  7724410   60123456  301234567    0\n');
  });

  it('xentop cuts names to 10 characters unless -f', () => {
    const long = view('a-very-long-name', 5, 512, 1, 1);
    const base = { view: long, cpuPercent: 0, counters: { cpuSeconds: 1, vbds: {}, vifs: {} } };
    expect(formatXentopRow(base, { fullNames: false, vbdDetail: false, netDetail: false, totalMemoryMiB: 65536 }).slice(0, 10)).toBe('a-very-lon');
    expect(formatXentopRow(base, { fullNames: true, vbdDetail: false, netDetail: false, totalMemoryMiB: 65536 }).startsWith('a-very-long-name ')).toBe(true);
  });
});

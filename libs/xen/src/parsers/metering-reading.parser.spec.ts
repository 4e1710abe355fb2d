import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { XenParseError } from '../errors/xen-parse.error';
import { parseError } from './expect-parse-error';
import { MeteringReading, parseMeteringReading } from './metering-reading.parser';

// A host as meteringReadingQuery reads it: vg0 spans an md RAID1 (md2 over
// sda3 and sdb3) and two partitions of one NVMe disk; md1 holds the Dom0's own
// VG, sdc1 is an orphan PV, old-backup is an inactive LV. Formats: xl list
// `%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f` under a header with TABs,
// xentop -f right-aligned to the widest value, lvs/pvs indented two spaces,
// block stats `%8lu` fields behind grep -H's `path:`.
const READING = `1700000123.456789012
@@xl-list
Name                                        ID   Mem VCPUs\tState\tTime(s)
Domain-0                                     0  4096     4     r-----   48211.7
web1                                         3  2048     2     -b----   10432.9
db1                                          7  8192     4     -b----   95012.3
build                                        9  1024     1     --p---       0.4
@@xentop
      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID
     build ----p-          0    0.0    1048576    3.1    1049600       3.1     1    1    51200     1024    2        0        0        0          0          0    0
       db1 --b---      95012    0.0    8388608    3.1    8389632       3.1     4    2 20481024 40960512    2       12 10023456 30234567  801234567 2401234567    0
  Domain-0 -----r      48211    0.0    4194304    3.1   no limit       n/a     4    0        0        0    0        0        0        0          0          0    0
      web1 --b---      10432    0.0    2097152    3.1    2098176       3.1     2    1  1468006 14680064    2        0  1839201  7724410   60123456  301234567    0
@@lvs
  web1-root|0
  web1-root2|1
  web1-swap|2
  db1-root|3
  db1-data|4
  db1-swap|5
  build-root|6
  old-backup|-1
@@pvs
  /dev/md1|system
  /dev/md2|vg0
  /dev/nvme0n1p3|vg0
  /dev/nvme0n1p4|vg0
  /dev/sdc1|
@@block
/sys/class/block/dm-0/stat:  182034        0  9646310    51230   904412        0 60233920  1840233        0   402111  1891463        0        0        0        0        0        0
/sys/class/block/dm-1/stat:   37590      100   417792     2912    59056      784   793472    34472        0    65808   421280        0        0        0        0     2120     2136
/sys/class/block/dm-2/stat:   69187      592  5064320    54320    48080      152  6024832     6720        0    59792   843648        0        0        0        0     3544     5064
/sys/class/block/dm-3/stat:    4432      332   475776    20976    29120      716  5259328    31344        0    63408   657184        0        0        0        0     6808     3864
/sys/class/block/dm-4/stat:   36029      792  6372736     2368    50080      172  7813312    25936        0    35400   813152        0        0        0        0      648     6888
/sys/class/block/dm-5/stat:   61274      308  8988864    65520    66224      524   773312    49504        0    12352   607776        0        0        0        0     1840      896
/sys/class/block/dm-6/stat:    2871       76  8306624    52000    87488      672  6361728    46640        0     8064   607680        0        0        0        0     6632     8016
/sys/class/block/dm-7/stat:   28116      540  3563200    83712    87200      356  5082176    48896        0    22496   185216        0        0        0        0     6960     2856
/sys/class/block/loop0/stat:   40765      468  2202560    31136    77216      708  6007800    33632        0    29760   433664        0        0        0        0     8848     8856
/sys/class/block/md1/stat:   66010      108  8489664    18048    30176      200  2020544    11136        0    29808   260320        0        0        0        0     3832     8376
/sys/class/block/md2/stat: 3301299        0 210480333        0 19033412        0 402993120        0        0        0        0        0        0        0        0        0        0
/sys/class/block/nvme0n1/stat:  255999      814 12369153    47919   996858       81 36123056   426009        2   301809   580491        0        0        0        0    60605   106562
/sys/class/block/nvme0n1p1/stat:   80220      112   783808    83360    47200      188  7831680    51920        0    24096   272608        0        0        0        0     2344     5241
/sys/class/block/nvme0n1p2/stat:   21817      704  7070976     5624    55296      484  2018944    57104        0    72304    81560        0        0        0        0     5096     5800
/sys/class/block/nvme0n1p3/stat:  200001      700 10000000    40000   800000       60 30000000   400000        1   250000   500000        0        0        0        0        0        0
/sys/class/block/nvme0n1p4/stat:   55000      100  2000000     7000   196000       20  6000000    26000        1    52000    80000        0        0        0        0        0        0
/sys/class/block/sda/stat: 1650011     4021 105240777   912003  9516722    88123 201496760 30412334        0 11023456 31324337        0        0        0        0   512334   190233
/sys/class/block/sda1/stat:   10782      212  1842752     6912    56736      664  3738048     4960        0    77264   196832        0        0        0        0     3320     1400
/sys/class/block/sda2/stat:   36027      580  2818176      256    19568      272  3088384    58272        0     8448   608672        0        0        0        0     4976     7784
/sys/class/block/sda3/stat:   67624      432   885472    53664    73056       16  8201984    50656        0    57936   398912        0        0        0        0     4888     3432
/sys/class/block/sdb/stat: 1651288     3977 105239556   899120  9516690    88001 201496360 30398221        1 11019870 31297341        0        0        0        0   512330   189977
/sys/class/block/sdb1/stat:   24992      300  1886400    39712    80272        8   920896    64144        0     3712   104608        0        0        0        0     8560     8048
/sys/class/block/sdb2/stat:   50237      840  8173504    26688    52168      580  2564032     1776        0    51584    42976        0        0        0        0     2680     8032
/sys/class/block/sdb3/stat:   81834      468  4445312    20208    50528       48  2949760    15056        0    14576   172352        0        0        0        0     7720      208
/sys/class/block/sdc/stat:    7605      612  5893312    67392    29472        8  2472512    52208        0    21712   621184        0        0        0        0     6952     6184
/sys/class/block/sdc1/stat:   39202      304  8664128    79728    20192      548  8514880    75584        0    65136    89056        0        0        0        0     4448     2808
/sys/class/block/sr0/stat:       0        0        0        0        0        0        0        0        0        0        0        0        0        0        0        0        0
@@vif
/sys/class/net/vif3.0/statistics/rx_bytes:15032385536
/sys/class/net/vif7.0/statistics/rx_bytes:41943040000
/sys/class/net/vif7.1/statistics/rx_bytes:524288
/sys/class/net/vif9.0/statistics/rx_bytes:1048576
/sys/class/net/vif3.0/statistics/tx_bytes:1503238553
/sys/class/net/vif7.0/statistics/tx_bytes:20971520000
/sys/class/net/vif7.1/statistics/tx_bytes:1048576
/sys/class/net/vif9.0/statistics/tx_bytes:52428800
@@end
`;

type StateName = 'running' | 'blocked' | 'paused';
const XL_STATE: Record<StateName, string> = { running: 'r-----', blocked: '-b----', paused: '--p---' };
const XENTOP_STATE: Record<StateName, string> = { running: '-----r', blocked: '--b---', paused: '----p-' };

interface VifModel { devid: number; emu?: boolean; rx: number | string; tx: number | string }
interface DomainModel {
  name: string;
  domid: number;
  memMiB: number;
  vcpus: number;
  state: StateName;
  /** xl list Time(s) in tenths of a second. */
  cpuTenths: number;
  /** xentop CPU(sec); default floor(cpuTenths / 10). */
  xentopCpuSec?: number;
  /** oo, rd, wr, rsect, wsect; null prints `-`. */
  vbd: ReadonlyArray<number | string> | null;
  vifs: VifModel[];
  /** xentop NETS; default vifs.length. */
  nets?: number;
}
interface HostModel {
  clock: string;
  domains: DomainModel[];
  lvs: Array<[string, number]>;
  pvs: Array<[string, string]>;
  block: Array<[string, ReadonlyArray<number | string>]>;
}

const pad = (v: number | string, w: number): string => String(v).padStart(w);

/** xl_list.c: printf("%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f"). */
function xlList(domains: readonly DomainModel[]): string[] {
  const row = (d: DomainModel): string =>
    `${d.name.padEnd(40)} ${pad(d.domid, 5)} ${pad(d.memMiB, 5)} ${pad(d.vcpus, 5)}     ${XL_STATE[d.state]}  ${pad(`${Math.floor(d.cpuTenths / 10)}.${d.cpuTenths % 10}`, 8)}`;
  return ['Name                                        ID   Mem VCPUs\tState\tTime(s)', ...domains.map(row)];
}

/** xentop -b -f -i 1: one header, rows sorted by name (strcasecmp), columns widened to their widest value. */
function xentop(domains: readonly DomainModel[]): string[] {
  const sorted = [...domains].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  const kib = (vifs: VifModel[], f: 'rx' | 'tx'): number => Math.floor(vifs.reduce((s, v) => s + Number(v[f]), 0) / 1024);
  const rows = sorted.map((d) => {
    const dom0 = d.domid === 0;
    const vbd = d.vbd ?? ['-', '-', '-', '-', '-'];
    return [
      d.name, XENTOP_STATE[d.state], d.xentopCpuSec ?? Math.floor(d.cpuTenths / 10), '0.0', d.memMiB * 1024, '3.1',
      dom0 ? 'no limit' : d.memMiB * 1024 + 1024, dom0 ? 'n/a' : '3.1', d.vcpus, d.nets ?? d.vifs.length,
      kib(d.vifs, 'tx'), kib(d.vifs, 'rx'), dom0 ? 0 : 2, ...vbd, 0,
    ].map(String);
  });
  const header = ['NAME', 'STATE', 'CPU(sec)', 'CPU(%)', 'MEM(k)', 'MEM(%)', 'MAXMEM(k)', 'MAXMEM(%)', 'VCPUS', 'NETS', 'NETTX(k)', 'NETRX(k)', 'VBDS', 'VBD_OO', 'VBD_RD', 'VBD_WR', 'VBD_RSECT', 'VBD_WSECT', 'SSID'];
  const defaults = [10, 6, 10, 6, 10, 6, 10, 9, 5, 4, 8, 8, 4, 8, 8, 8, 10, 10, 4];
  const widths = defaults.map((w, i) => Math.max(w, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, widths[i])).join(' ');
  return [line(header), ...rows.map(line)];
}

/** genhd.c part_stat_show: `%8lu` fields one space apart, prefixed `path:` by grep -H. */
function statLine(device: string, fields: ReadonlyArray<number | string>): string {
  return `/sys/class/block/${device}/stat:${fields.map((f) => pad(f, 8)).join(' ')}`;
}

function renderReading(host: HostModel): string {
  const vifs = host.domains.flatMap((d) => d.vifs.map((v) => ({ name: `vif${d.domid}.${v.devid}${v.emu ? '-emu' : ''}`, ...v }))).sort((a, b) => (a.name < b.name ? -1 : 1));
  return [
    host.clock,
    '@@xl-list',
    ...xlList(host.domains),
    '@@xentop',
    ...xentop(host.domains),
    '@@lvs',
    ...host.lvs.map(([name, minor]) => `  ${name}|${minor}`),
    '@@pvs',
    ...host.pvs.map(([pv, vg]) => `  ${pv}|${vg}`),
    '@@block',
    ...host.block.map(([device, fields]) => statLine(device, fields)),
    '@@vif',
    ...vifs.map((v) => `/sys/class/net/${v.name}/statistics/rx_bytes:${v.rx}`),
    ...vifs.map((v) => `/sys/class/net/${v.name}/statistics/tx_bytes:${v.tx}`),
    '@@end',
    '',
  ].join('\n');
}

const g = (seed: number): number[] => {
  let x = seed;
  const scale = [90000, 900, 9000000, 90000, 90000, 900, 9000000, 90000, 1, 90000, 900000, 1, 1, 1, 1, 9000, 9000];
  return Array.from({ length: 17 }, (_, i) => { x = (x * 1103515245 + 12345) % 2147483648; return [8, 11, 12, 13, 14].includes(i) ? 0 : x % scale[i]; });
};
const HOST: HostModel = {
  clock: '1700000123.456789012',
  domains: [
    { name: 'Domain-0', domid: 0, memMiB: 4096, vcpus: 4, state: 'running', cpuTenths: 482117, vbd: [0, 0, 0, 0, 0], vifs: [] },
    { name: 'web1', domid: 3, memMiB: 2048, vcpus: 2, state: 'blocked', cpuTenths: 104329, vbd: [0, 1839201, 7724410, 60123456, 301234567], vifs: [{ devid: 0, rx: 15032385536, tx: 1503238553 }] },
    { name: 'db1', domid: 7, memMiB: 8192, vcpus: 4, state: 'blocked', cpuTenths: 950123, vbd: [12, 10023456, 30234567, 801234567, 2401234567], vifs: [{ devid: 0, rx: 41943040000, tx: 20971520000 }, { devid: 1, rx: 524288, tx: 1048576 }] },
    { name: 'build', domid: 9, memMiB: 1024, vcpus: 1, state: 'paused', cpuTenths: 4, vbd: [0, 0, 0, 0, 0], vifs: [{ devid: 0, rx: 1048576, tx: 52428800 }] },
  ],
  lvs: [['web1-root', 0], ['web1-root2', 1], ['web1-swap', 2], ['db1-root', 3], ['db1-data', 4], ['db1-swap', 5], ['build-root', 6], ['old-backup', -1]],
  pvs: [['/dev/md1', 'system'], ['/dev/md2', 'vg0'], ['/dev/nvme0n1p3', 'vg0'], ['/dev/nvme0n1p4', 'vg0'], ['/dev/sdc1', '']],
  block: [
    ['dm-0', [182034, 0, 9646310, 51230, 904412, 0, 60233920, 1840233, 0, 402111, 1891463, 0, 0, 0, 0, 0, 0]],
    ...[1, 2, 3, 4, 5, 6, 7].map((n): [string, number[]] => [`dm-${n}`, g(n)]),
    ['loop0', g(20)],
    ['md1', g(21)],
    ['md2', [3301299, 0, 210480333, 0, 19033412, 0, 402993120, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['nvme0n1', [255999, 814, 12369153, 47919, 996858, 81, 36123056, 426009, 2, 301809, 580491, 0, 0, 0, 0, 60605, 106562]],
    ['nvme0n1p1', g(31)], ['nvme0n1p2', g(32)],
    ['nvme0n1p3', [200001, 700, 10000000, 40000, 800000, 60, 30000000, 400000, 1, 250000, 500000, 0, 0, 0, 0, 0, 0]],
    ['nvme0n1p4', [55000, 100, 2000000, 7000, 196000, 20, 6000000, 26000, 1, 52000, 80000, 0, 0, 0, 0, 0, 0]],
    ['sda', [1650011, 4021, 105240777, 912003, 9516722, 88123, 201496760, 30412334, 0, 11023456, 31324337, 0, 0, 0, 0, 512334, 190233]],
    ['sda1', g(41)], ['sda2', g(42)], ['sda3', g(43)],
    ['sdb', [1651288, 3977, 105239556, 899120, 9516690, 88001, 201496360, 30398221, 1, 11019870, 31297341, 0, 0, 0, 0, 512330, 189977]],
    ['sdb1', g(51)], ['sdb2', g(52)], ['sdb3', g(53)],
    ['sdc', g(60)], ['sdc1', g(61)],
    ['sr0', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ],
};

const parse = (text: string): MeteringReading => parseMeteringReading(text, 'vg0');
const number = (text: string, prefix: string): number => text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
const edit = (prefix: string, change: (line: string) => string | null) => (text: string): string => {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(prefix));
  if (i < 0) throw new Error(`no line starting ${prefix}`);
  const changed = change(lines[i]);
  return (changed === null ? [...lines.slice(0, i), ...lines.slice(i + 1)] : [...lines.slice(0, i), changed, ...lines.slice(i + 1)]).join('\n');
};
const without = (prefix: string) => edit(prefix, () => null);
const cutBefore = (prefix: string) => (text: string): string => text.slice(0, text.indexOf(`\n${prefix}`) + 1);
const host = (change: (h: HostModel) => void): string => {
  const copy: HostModel = JSON.parse(JSON.stringify(HOST));
  change(copy);
  return renderReading(copy);
};
const domain = (h: HostModel, name: string): DomainModel => h.domains.find((d) => d.name === name) as DomainModel;

describe('parseMeteringReading', () => {
  it('the fixture is what the renderer used by the property tests prints', () => {
    expect(renderReading(HOST)).toBe(READING);
  });

  it('reads a whole reading: clock, Dom0, DomUs with VBD totals and vif bytes, LVs, PVs and the disks under them', () => {
    const reading = parse(READING);
    expect(reading.hostTimeMs).toBe(1700000123456);
    expect(reading.hostTimeExact).toBe('1700000123.456789012');
    expect(reading.volumeGroup).toBe('vg0');
    expect(reading.dom0).toEqual({ name: 'Domain-0', cpuMs: 48211700, memoryMiB: 4096, vcpus: 4, stateText: 'r-----', state: expect.objectContaining({ summary: 'running' }) });
    expect(reading.domains.map((d) => [d.name, d.domid, d.cpuMs, d.state.summary])).toEqual([
      ['web1', 3, 10432900, 'blocked'],
      ['db1', 7, 95012300, 'blocked'],
      ['build', 9, 400, 'paused'],
    ]);
    expect(reading.domains[0]).toEqual({
      name: 'web1',
      domid: 3,
      cpuMs: 10432900,
      memoryMiB: 2048,
      vcpus: 2,
      stateText: '-b----',
      state: expect.objectContaining({ blocked: true }),
      vbd: { ooRequests: 0, readRequests: 1839201, writeRequests: 7724410, readSectors: 60123456, writeSectors: 301234567 },
      netOutBytes: 15032385536,
      netInBytes: 1503238553,
      vifs: [{ domid: 3, devid: 0, emulated: false, rxBytes: 15032385536, txBytes: 1503238553 }],
    });
    expect(reading.domains[1]).toMatchObject({ netOutBytes: 41943040000 + 524288, netInBytes: 20971520000 + 1048576, vifs: [{ devid: 0 }, { devid: 1 }] });

    expect(reading.volumes).toHaveLength(8);
    expect(reading.volumes[0]).toEqual({
      name: 'web1-root',
      active: true,
      kernelMinor: 0,
      device: 'dm-0',
      stat: {
        readIos: 182034, readMerges: 0, readSectors: 9646310, readTicksMs: 51230,
        writeIos: 904412, writeMerges: 0, writeSectors: 60233920, writeTicksMs: 1840233,
        inFlight: 0, ioTicksMs: 402111, timeInQueueMs: 1891463,
        discard: { ios: 0, merges: 0, sectors: 0, ticksMs: 0 },
        flush: { ios: 0, ticksMs: 0 },
      },
    });
    expect(reading.volumes[7]).toEqual({ name: 'old-backup', active: false });

    // md1 (another VG) and sdc1 (no VG) are not the group's.
    expect(reading.pvs.map((p) => [p.pvName, p.device, p.parent, p.disk, p.stat.ioTicksMs])).toEqual([
      ['/dev/md2', 'md2', null, 'md2', 0],
      ['/dev/nvme0n1p3', 'nvme0n1p3', 'nvme0n1', 'nvme0n1', 250000],
      ['/dev/nvme0n1p4', 'nvme0n1p4', 'nvme0n1', 'nvme0n1', 52000],
    ]);
    // Two partitions of one disk: the disk once, so its busy time is not counted twice.
    expect(reading.disks.map((d) => [d.device, d.kind, d.pvNames, d.stat.ioTicksMs])).toEqual([
      ['md2', 'md', ['/dev/md2'], 0],
      ['nvme0n1', 'disk', ['/dev/nvme0n1p3', '/dev/nvme0n1p4'], 301809],
    ]);
  });

  it('reads a host without vifs: an empty section, or grep saying the globs matched nothing', () => {
    const none = host((h) => h.domains.forEach((d) => (d.vifs = [])));
    expect(parse(none).domains.map((d) => [d.netOutBytes, d.netInBytes, d.vifs])).toEqual([[0, 0, []], [0, 0, []], [0, 0, []]]);
    const merged = none.replace('@@vif\n', '@@vif\ngrep: /sys/class/net/vif*/statistics/rx_bytes: No such file or directory\ngrep: /sys/class/net/vif*/statistics/tx_bytes: No such file or directory\n');
    expect(parse(merged).domains[0].vifs).toEqual([]);
  });

  it('keeps xentop `-` VBD counters as null, never zero; a row mixing `-` and numbers is rejected', () => {
    expect(parse(host((h) => (domain(h, 'build').vbd = null))).domains[2].vbd).toBeNull();
    const mixed = host((h) => (domain(h, 'build').vbd = ['-', 1, 2, 3, 4]));
    expect(parseError(parse, mixed)).toMatchObject({ lineNumber: number(mixed, '     build'), reason: expect.stringMatching(/some VBD columns are `-`/) });
  });

  it("sums an HVM guest's emulated NIC tap with its vif, as xentop counts both", () => {
    const hvm = host((h) => domain(h, 'web1').vifs.push({ devid: 0, emu: true, rx: 1000, tx: 2000 }));
    expect(parse(hvm).domains[0]).toMatchObject({
      netOutBytes: 15032385536 + 1000,
      netInBytes: 1503238553 + 2000,
      vifs: [{ devid: 0, emulated: false }, { devid: 0, emulated: true, rxBytes: 1000, txBytes: 2000 }],
    });
  });

  it('takes no vif count from xentop when it shows none (xenstat counts no vif on a host without a Linux bridge)', () => {
    expect(parse(host((h) => h.domains.forEach((d) => (d.nets = 0)))).domains[1].vifs).toHaveLength(2);
  });

  it('reads the 11- and 15-field stat lines of older kernels', () => {
    const old = (n: number) => parse(host((h) => h.block.forEach((b) => (b[1] = b[1].slice(0, n)))));
    expect(old(11).disks[1].stat).toMatchObject({ ioTicksMs: 301809, discard: null, flush: null });
    expect(old(15).disks[1].stat).toMatchObject({ discard: { ios: 0, merges: 0, sectors: 0, ticksMs: 0 }, flush: null });
  });

  const last = (prefix: string) => (text: string): number => text.split('\n').map((l) => l.startsWith(prefix)).lastIndexOf(true) + 1;
  const rejected: Array<[string, (text: string) => string, string | ((text: string) => number), RegExp]> = [
    ['a clock without nanoseconds', edit('1700000123', () => '1700000123'), () => 1, /seconds\.nanoseconds/],
    ["a date without %N (busybox prints it as is)", edit('1700000123', () => '1700000123.%N'), () => 1, /seconds\.nanoseconds/],
    ['no output at all', () => '', () => 1, /no output/],
    ['a line between the clock and @@xl-list', edit('@@xl-list', (l) => `motd\n${l}`), 'motd', /expected @@xl-list after the clock/],
    ['a missing section marker', without('@@pvs'), '@@block', /expected @@pvs, found @@block/],
    ['sections out of order', (t) => t.replace('@@lvs', '@@tmp').replace('@@pvs', '@@lvs').replace('@@tmp', '@@pvs'), '@@pvs', /expected @@lvs, found @@pvs/],
    ['an unknown marker', edit('/sys/class/block/sr0', (l) => `@@oops\n${l}`), '@@oops', /expected @@vif, found @@oops/],
    ['output truncated before @@end', cutBefore('@@end'), '/sys/class/net/vif9.0/statistics/tx_bytes', /no @@end: the output is truncated/],
    ['output cut inside a stat line', (t) => t.slice(0, t.indexOf('/sys/class/block/sda/stat:') + 40), '/sys/class/block/sda/stat', /no @@vif: the output is truncated/],
    ['output after @@end', (t) => `${t}leftover\n`, 'leftover', /output after @@end/],
    ['xl list without its header', without('Name '), 'Domain-0 ', /xl list: expected the header/],
    ['xl list printing nothing', (t) => t.replace(/@@xl-list\n[\s\S]*?@@xentop/, '@@xl-list\n@@xentop'), '@@xl-list', /xl list printed nothing/],
    ['xl list without Domain-0', without('Domain-0 '), 'Name ', /no Domain-0/],
    ['xl list Time(s) above 2^53 ms', edit('web1 ', (l) => l.replace('10432.9', '9007199254741.0')), 'web1 ', /larger than 2\^53 ms/],
    ['a DomU with no xentop row', without('      web1 --b---'), 'web1 ', /web1 \(domid 3\) has no xentop row/],
    ['xentop printing nothing', (t) => t.replace(/@@xentop\n[\s\S]*?@@lvs/, '@@xentop\n@@lvs'), '@@xentop', /xentop printed nothing/],
    ['a xentop counter above 2^53', edit('       db1 --b---', (l) => l.replace('2401234567', '9007199254740993')), '       db1', /VBD_WSECT 9007199254740993 is larger than 2\^53/],
    ['a block stat line with 16 fields', edit('/sys/class/block/sda/stat', (l) => l.replace(/ +\d+$/, '')), '/sys/class/block/sda/stat', /block: sda: expected 11, 15 or 17 fields, got 16/],
    ['a block stat line with 12 fields', edit('/sys/class/block/md2/stat', (l) => l.split(/ +/).slice(0, 13).join(' ')), '/sys/class/block/md2/stat', /got 12/],
    ['a block stat field that is not a number', edit('/sys/class/block/dm-3/stat', (l) => l.replace('  475776', '     n/a')), '/sys/class/block/dm-3/stat', /dm-3 read sectors "n\/a" is not an unsigned integer/],
    ['a block counter above 2^53', edit('/sys/class/block/nvme0n1/stat', (l) => l.replace('12369153', '9007199254740993')), '/sys/class/block/nvme0n1/stat', /nvme0n1 read sectors 9007199254740993 is larger than 2\^53/],
    ['a block device listed twice', edit('/sys/class/block/sr0', (l) => `${l}\n${l}`), last('/sys/class/block/sr0'), /sr0 is listed twice/],
    ['an LV row without its minor', edit('  web1-swap', () => '  web1-swap'), '  web1-swap', /lvs: expected LV_NAME\|LV_KERNEL_MINOR/],
    ['an active LV whose dm device was not read', without('/sys/class/block/dm-4/stat'), '  db1-data|4', /db1-data is active as dm-4 but \/sys\/class\/block\/dm-4\/stat was not read/],
    ['a pvs row without its VG column', edit('  /dev/md2', () => '  /dev/md2'), '  /dev/md2', /pvs: expected PV_NAME\|VG_NAME/],
    ['a PV whose device was not read', without('/sys/class/block/nvme0n1p4/stat'), '  /dev/nvme0n1p4', /no \/sys\/class\/block\/nvme0n1p4\/stat for PV/],
    ['a partition PV whose disk was not read', without('/sys/class/block/nvme0n1/stat'), '  /dev/nvme0n1p3', /partition of nvme0n1/],
    ['a PV named by a /dev/mapper alias', edit('  /dev/md2', () => '  /dev/mapper/crypt-md2|vg0'), '  /dev/mapper', /mapper!crypt-md2/],
    ['a missing PV', edit('  /dev/md2', () => '  [unknown]|vg0'), '  [unknown]', /not a \/dev path/],
    ['a vif with rx_bytes but no tx_bytes', without('/sys/class/net/vif7.1/statistics/tx_bytes'), '/sys/class/net/vif7.1/statistics/rx_bytes', /vif7.1 has no tx_bytes/],
    ['a vif counter that is empty', edit('/sys/class/net/vif3.0/statistics/tx_bytes', (l) => l.replace(/\d+$/, '')), '/sys/class/net/vif3.0/statistics/tx_bytes', /is not an unsigned integer/],
    ['a vif counter above 2^53', edit('/sys/class/net/vif3.0/statistics/rx_bytes', (l) => l.replace(/\d+$/, '9007199254740993')), '/sys/class/net/vif3.0/statistics/rx_bytes', /larger than 2\^53/],
  ];

  it.each(rejected)('rejects the whole reading for %s, naming the line', (_, change, where, reason) => {
    const text = change(READING);
    const lineNumber = typeof where === 'string' ? number(text, where) : where(text);
    const error = parseError(parse, text);
    expect(error).toBeInstanceOf(XenParseError);
    expect(error).toMatchObject({ parser: 'metering reading', lineNumber, line: (text.split('\n')[lineNumber - 1] ?? '').replace(/\s+$/, ''), reason: expect.stringMatching(reason) });
  });

  it('rejects the group when no PV belongs to it', () => {
    const error = parseError((t) => parseMeteringReading(t, 'vg9'), READING);
    expect(error).toMatchObject({ lineNumber: number(READING, '  /dev/sdc1'), reason: expect.stringMatching(/no PV belongs to volume group vg9/) });
  });

  it('rejects a domain recreated between xl list and xentop (CPU went backwards) and a vif count that differs from xentop', () => {
    const recreated = host((h) => (domain(h, 'web1').xentopCpuSec = 10431));
    expect(parseError(parse, recreated)).toMatchObject({ lineNumber: number(recreated, '      web1'), reason: expect.stringMatching(/recreated during the reading/) });
    // xl list rounds, xentop truncates: 10432.9 s in xl list and 10432 s in xentop are the same domain.
    expect(parse(host((h) => (domain(h, 'web1').xentopCpuSec = 10432))).domains[0].cpuMs).toBe(10432900);
    const renamed = host((h) => (domain(h, 'db1').nets = 3));
    expect(parseError(parse, renamed)).toMatchObject({ lineNumber: number(renamed, '       db1'), reason: expect.stringMatching(/has 3 vifs, sysfs shows 2/) });
  });

  it('never returns a partial reading: every cut of the output is rejected', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: READING.length - 2 }), (end) => {
        expect(parseError(parse, READING.slice(0, end)).parser).toBe('metering reading');
      }),
      { numRuns: 400 },
    );
  });

  it('reads back any host it is given (property)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}$/);
    const counter = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    const bytes = fc.integer({ min: 0, max: 2 ** 50 });
    const domainModel = fc.record({
      name,
      domid: fc.integer({ min: 1, max: 32751 }),
      memMiB: fc.integer({ min: 1, max: 1 << 20 }),
      vcpus: fc.integer({ min: 1, max: 128 }),
      state: fc.constantFrom<StateName>('running', 'blocked', 'paused'),
      cpuTenths: fc.integer({ min: 0, max: 1e13 }),
      vbd: fc.option(fc.array(counter, { minLength: 5, maxLength: 5 }), { nil: null }),
      vifs: fc.uniqueArray(fc.record({ devid: fc.integer({ min: 0, max: 7 }), rx: bytes, tx: bytes }), { selector: (v) => v.devid, maxLength: 3 }),
    });
    const layouts: Array<{ pvs: string[]; block: string[] }> = [
      { pvs: ['/dev/md2'], block: ['md2', 'sda', 'sda3', 'sdb', 'sdb3'] },
      { pvs: ['/dev/sda3', '/dev/sdb3'], block: ['sda', 'sda3', 'sdb', 'sdb3'] },
      { pvs: ['/dev/nvme0n1p3', '/dev/nvme1n1'], block: ['nvme0n1', 'nvme0n1p3', 'nvme1n1'] },
    ];
    const hostModel = fc.record({
      domains: fc.uniqueArray(domainModel, { selector: (d) => d.name, maxLength: 6 }).filter((ds) => new Set(ds.map((d) => d.domid)).size === ds.length),
      lvs: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_.+-]{0,40}$/), fc.integer({ min: -1, max: 300 })), { selector: (lv) => lv[0], maxLength: 10 }),
      layout: fc.constantFrom(...layouts),
      fields: fc.constantFrom(11, 15, 17),
      stat: fc.array(counter, { minLength: 17, maxLength: 17 }),
    });
    fc.assert(
      fc.property(hostModel, (m) => {
        const devices = [...new Set([...m.layout.block, ...m.lvs.filter(([, minor]) => minor >= 0).map(([, minor]) => `dm-${minor}`)])];
        const model: HostModel = {
          clock: '1700000000.000000001',
          domains: [{ name: 'Domain-0', domid: 0, memMiB: 4096, vcpus: 4, state: 'running', cpuTenths: 10, vbd: [0, 0, 0, 0, 0], vifs: [] }, ...m.domains.filter((d) => d.name !== 'domain-0')],
          lvs: m.lvs,
          pvs: m.layout.pvs.map((pv) => [pv, 'vg0']),
          block: devices.map((device) => [device, m.stat.slice(0, m.fields)]),
        };
        const reading = parse(renderReading(model));
        expect(reading.hostTimeMs).toBe(1700000000000);
        expect(reading.domains).toEqual(
          model.domains.slice(1).map((d) => ({
            name: d.name,
            domid: d.domid,
            cpuMs: d.cpuTenths * 100,
            memoryMiB: d.memMiB,
            vcpus: d.vcpus,
            stateText: XL_STATE[d.state],
            state: expect.objectContaining({ summary: d.state }),
            vbd: d.vbd === null ? null : { ooRequests: d.vbd[0], readRequests: d.vbd[1], writeRequests: d.vbd[2], readSectors: d.vbd[3], writeSectors: d.vbd[4] },
            netOutBytes: d.vifs.reduce((s, v) => s + Number(v.rx), 0),
            netInBytes: d.vifs.reduce((s, v) => s + Number(v.tx), 0),
            vifs: expect.arrayContaining(d.vifs.map((v) => ({ domid: d.domid, devid: v.devid, emulated: false, rxBytes: v.rx, txBytes: v.tx }))),
          })),
        );
        expect(reading.volumes.map((v) => (v.active ? [v.name, v.kernelMinor, v.stat.readIos] : [v.name, -1]))).toEqual(m.lvs.map(([lv, minor]) => (minor >= 0 ? [lv, minor, m.stat[0]] : [lv, -1])));
        expect(reading.pvs.map((p) => p.pvName)).toEqual(m.layout.pvs);
        const disks = [...new Set(reading.pvs.map((p) => p.disk))];
        expect(reading.disks.map((d) => d.device)).toEqual(disks);
        expect(new Set(disks.map((d) => reading.pvs.some((p) => p.device === d && p.parent !== null))).has(true)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * What meteringReadingQuery prints on a Dom0, in the formats of the real tools (as
 * libs/xen/src/parsers/metering-reading.parser.spec.ts renders them): `date +%s.%N`,
 * xl list, xentop -b -f -i 1, lvs/pvs with `|`, grep -H of the block stats and vif bytes.
 */
import { BenchDomain, BenchHost, VOLUME_GROUP } from './bench-fleet';

const pad = (v: number | string, w: number): string => String(v).padStart(w);

const XENTOP_HEADER = ['NAME', 'STATE', 'CPU(sec)', 'CPU(%)', 'MEM(k)', 'MEM(%)', 'MAXMEM(k)', 'MAXMEM(%)', 'VCPUS', 'NETS', 'NETTX(k)', 'NETRX(k)', 'VBDS', 'VBD_OO', 'VBD_RD', 'VBD_WR', 'VBD_RSECT', 'VBD_WSECT', 'SSID'];
const XENTOP_WIDTHS = [10, 6, 10, 6, 10, 6, 10, 9, 5, 4, 8, 8, 4, 8, 8, 8, 10, 10, 4];

/** The Dom0 clock as date prints it, for a reading at epoch milliseconds `atMs`. */
function clock(atMs: number): string {
  return `${Math.floor(atMs / 1000)}.${String(atMs % 1000).padStart(3, '0')}${String(((atMs % 1_000_003) * 7919) % 1_000_000).padStart(6, '0')}`;
}

function tenths(t: number): string {
  return `${Math.floor(t / 10)}.${t % 10}`;
}

/** xl_list.c: printf("%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f"). */
function xlRow(name: string, domid: number, memMiB: number, vcpus: number, state: string, cpuTenths: number): string {
  return `${name.padEnd(40)} ${pad(domid, 5)} ${pad(memMiB, 5)} ${pad(vcpus, 5)}     ${state}  ${pad(tenths(cpuTenths), 8)}`;
}

const DOM0_MEMORY_MIB = 4096;

function xentopRows(host: BenchHost): string[] {
  const rows: { name: string; cells: string[] }[] = host.domains.map((d: BenchDomain) => ({
    name: d.server.domainName,
    cells: [
      d.server.domainName, d.cpuLoad > 0.3 ? '-----r' : '--b---', String(Math.floor(d.cpuTenths / 10)), '0.0', String(d.memoryMiB * 1024), '3.1',
      String(d.memoryMiB * 1024 + 1024), '3.1', String(d.vcpus), '1', String(Math.floor(d.vif.tx / 1024)), String(Math.floor(d.vif.rx / 1024)),
      String(d.volumes.length), String(d.vbd.oo), String(d.vbd.rd), String(d.vbd.wr), String(d.vbd.rsect), String(d.vbd.wsect), '0',
    ],
  }));
  rows.push({
    name: 'Domain-0',
    cells: ['Domain-0', '-----r', String(Math.floor(host.dom0CpuTenths / 10)), '0.0', String(DOM0_MEMORY_MIB * 1024), '3.1', 'no limit', 'n/a', '4', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'],
  });
  // xentop sorts by name with strcasecmp.
  rows.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
  const widths = XENTOP_WIDTHS.map((w, i) => Math.max(w, ...rows.map((r) => r.cells[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, widths[i]!)).join(' ');
  return [line(XENTOP_HEADER), ...rows.map((r) => line(r.cells))];
}

/** genhd.c part_stat_show: `%8lu` fields one space apart, prefixed `path:` by grep -H. */
function statLine(device: string, fields: readonly number[]): string {
  return `/sys/class/block/${device}/stat:${fields.map((f) => pad(f, 8)).join(' ')}`;
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** One host's reading at `atMs`: the whole stdout of the one-round-trip command. */
export function renderReading(host: BenchHost, atMs: number): string {
  const lvs = [
    ...host.domains.flatMap((d) => d.volumes.map((v) => `  ${v.name}|${v.kernelMinor}`)),
    ...host.inactiveVolumes.map((name) => `  ${name}|-1`),
  ];
  // The shell sorts each glob's matches: dm-10 before dm-2, vif12.0 before vif3.0.
  const block = [
    ...host.domains.flatMap((d) => d.volumes.map((v) => ({ name: `dm-${v.kernelMinor}`, stat: v.stat }))),
    ...[...host.devices].map(([name, stat]) => ({ name, stat })),
  ].sort(byName);
  const vifs = host.domains.map((d) => ({ name: `vif${d.domid}.0`, rx: d.vif.rx, tx: d.vif.tx })).sort(byName);
  return [
    clock(atMs),
    '@@xl-list',
    'Name                                        ID   Mem VCPUs\tState\tTime(s)',
    xlRow('Domain-0', 0, DOM0_MEMORY_MIB, 4, 'r-----', host.dom0CpuTenths),
    ...host.domains.map((d) => xlRow(d.server.domainName, d.domid, d.memoryMiB, d.vcpus, d.cpuLoad > 0.3 ? 'r-----' : '-b----', d.cpuTenths)),
    '@@xentop',
    ...xentopRows(host),
    '@@lvs',
    ...lvs,
    '@@pvs',
    '  /dev/md1|system',
    `  /dev/md2|${VOLUME_GROUP}`,
    '@@block',
    ...block.map((b) => statLine(b.name, b.stat)),
    '@@vif',
    ...vifs.map((v) => `/sys/class/net/${v.name}/statistics/rx_bytes:${v.rx}`),
    ...vifs.map((v) => `/sys/class/net/${v.name}/statistics/tx_bytes:${v.tx}`),
    '@@end',
    '',
  ].join('\n');
}

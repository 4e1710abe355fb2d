// One metering reading of a Dom0: the output of meteringReadingQuery, several
// tools separated by `echo @@<section>` markers, read as a whole or not at all.
import { XenParseError } from '../errors/xen-parse.error';
import { BlockDeviceKind, blockDeviceKind, partitionParent } from './block-device';
import { BlockStat, parseBlockStats } from './block-stat.parser';
import { DomainState } from './domain-state';
import { parseLvKernelMinors, parsePvVolumeGroups } from './lvm-report.parser';
import { endOf, failer, OutputLine, outputLines, toSafeInteger } from './output-lines';
import { parseVifBytes, VifBytes } from './vif-bytes.parser';
import { parseXentop, XentopDomain } from './xentop.parser';
import { parseXlList } from './xl-list.parser';

/** The markers the query echoes between its tools, in order; `@@end` proves the output is complete. */
export const METERING_MARKERS = ['@@xl-list', '@@xentop', '@@lvs', '@@pvs', '@@block', '@@vif', '@@end'] as const;
type Marker = (typeof METERING_MARKERS)[number];

/** Dom0 itself: not billed, but its CPU is the host's overhead (much of the DomUs' IO work runs there). */
export interface MeteringDom0 {
  readonly name: string;
  /** CPU time summed over vCPUs, in milliseconds: xl list's Time(s), exact (0.1 s resolution, so a multiple of 100). */
  readonly cpuMs: number;
  readonly memoryMiB: number;
  readonly vcpus: number;
  readonly stateText: string;
  readonly state: DomainState;
}

/** xentop's sums over a domain's virtual disks (blkback), cumulative since the domain was created. */
export interface VbdTotals {
  /** VBD_OO: requests that found the backend's ring full, a sign of IO contention. */
  readonly ooRequests: number;
  /** VBD_RD */
  readonly readRequests: number;
  /** VBD_WR */
  readonly writeRequests: number;
  /** VBD_RSECT, 512-byte sectors. */
  readonly readSectors: number;
  /** VBD_WSECT, 512-byte sectors. */
  readonly writeSectors: number;
}

export interface MeteringDomain extends MeteringDom0 {
  readonly domid: number;
  /**
   * Null when xentop printed `-`: not one VBD of the domain could be read (a
   * domain being torn down, a backend without blkback statistics). Null is not
   * zero: skip the domain's IO for this interval. xentop leaves out a single
   * unreadable VBD from the sums, so a total can also go down for one reading.
   */
  readonly vbd: VbdTotals | null;
  /** Bytes the guest sent: vif rx_bytes summed over its vifs. Outbound traffic, what hosting bills. */
  readonly netOutBytes: number;
  /** Bytes the guest received: vif tx_bytes summed over its vifs. */
  readonly netInBytes: number;
  /** The counters behind the two sums, per vif: take deltas per (domid, devid), so a vif that comes or goes is not a reset. */
  readonly vifs: readonly VifBytes[];
}

export interface ActiveVolume {
  readonly name: string;
  readonly active: true;
  readonly kernelMinor: number;
  /** `dm-<kernelMinor>`, its name under /sys/class/block. */
  readonly device: string;
  readonly stat: BlockStat;
}

/** lvs reported lv_kernel_minor -1: the LV has no device, so no IO. */
export interface InactiveVolume {
  readonly name: string;
  readonly active: false;
}

export type MeteringVolume = ActiveVolume | InactiveVolume;

/** A physical volume of the volume group. */
export interface MeteringPv {
  /** As pvs printed it: `/dev/sda3`. */
  readonly pvName: string;
  /** Its kernel name: `sda3`. */
  readonly device: string;
  /** The whole device it is a partition of (`sda` for sda3, `nvme0n1` for nvme0n1p3), null when the PV is a whole device (md2). */
  readonly parent: string | null;
  /** `parent ?? device`: the entry of `disks` this PV's IO lands on. */
  readonly disk: string;
  readonly stat: BlockStat;
}

/**
 * A whole device under the volume group: what counts as the host's physical
 * disks. One entry per device however many PVs (partitions) it holds, so a
 * partition and its disk are never both counted.
 */
export interface MeteringDisk {
  readonly device: string;
  /**
   * `md`: a RAID array; its ioTicksMs is the array's busy time (any member
   * busy), and its member disks are not in this reading. `dm`: a
   * device-mapper device (dm-crypt, multipath) named as /dev/dm-N.
   */
  readonly kind: BlockDeviceKind;
  /** The PVs of the group on this device. */
  readonly pvNames: readonly string[];
  readonly stat: BlockStat;
}

export interface MeteringReading {
  /**
   * The Dom0's clock (`date +%s.%N`), epoch milliseconds, truncated: read right before
   * the sysfs block and vif counters (the agent's metering.read), so it stamps them; xl
   * list, xentop and the LVM tools run after it.
   */
  readonly hostTimeMs: number;
  /** The same instant exactly as date printed it: seconds.nanoseconds. */
  readonly hostTimeExact: string;
  readonly volumeGroup: string;
  readonly dom0: MeteringDom0;
  /** Every DomU in xl list, in its order; Dom0 is `dom0`. */
  readonly domains: readonly MeteringDomain[];
  /** Every LV of the volume group, in lvs order. */
  readonly volumes: readonly MeteringVolume[];
  readonly pvs: readonly MeteringPv[];
  readonly disks: readonly MeteringDisk[];
}

const PARSER = 'metering reading';
const MARKER_LIKE = /^@@[a-z-]+$/;
const HOST_TIME = /^(\d+)\.(\d{9})$/;
/** Columns read from xentop beyond those parseXentop insists on. */
const XENTOP_COLUMNS = ['NETS', 'VBD_OO', 'VBD_RD', 'VBD_WR', 'VBD_RSECT', 'VBD_WSECT'] as const;
/**
 * xl list rounds to 0.1 s (`%8.1f`), xentop, run after it, truncates to whole
 * seconds: the same domain can show up to 1.05 s less in xentop, never more.
 */
const CPU_SLACK_MS = 1050;

type Fail = (line: OutputLine | undefined, reason: string) => never;

interface Section {
  readonly marker: OutputLine;
  readonly lines: readonly OutputLine[];
  /** The whole output with every line outside the section blanked: sub-parsers then report whole-output line numbers. */
  readonly text: string;
}

/** Output from `grep` and the LVM tools is parsed section by section; one bad part rejects the reading. */
export function parseMeteringReading(stdout: string, volumeGroup: string): MeteringReading {
  const fail = failer(PARSER);
  const lines = outputLines(stdout);
  const hostTime = lines[0] ?? fail(endOf(stdout), 'no output: expected the Dom0 clock (date +%s.%N)');
  const time = HOST_TIME.exec(hostTime.text.trim()) ?? fail(hostTime, 'expected the Dom0 clock as seconds.nanoseconds (date +%s.%N)');
  const hostTimeMs = toSafeInteger(time[1], (reason) => fail(hostTime, reason), 'seconds') * 1000 + Number(time[2].slice(0, 3));
  if (!Number.isSafeInteger(hostTimeMs)) fail(hostTime, 'the clock is out of range');

  const sections = splitSections(stdout, lines, fail);
  const { dom0, domains } = readDomains(sections['@@xl-list'], sections['@@xentop'], sections['@@vif'], fail);
  const block = within('block', () => parseBlockStats(sections['@@block'].text));
  if (block.length === 0) fail(sections['@@block'].marker, 'no /sys/class/block/<device>/stat lines');
  const stats = new Map(block.map((b) => [b.device, b.stat]));
  const volumes = readVolumes(sections['@@lvs'], stats, fail);
  const { pvs, disks } = readPhysicalVolumes(sections['@@pvs'], volumeGroup, stats, fail);
  return { hostTimeMs, hostTimeExact: hostTime.text.trim(), volumeGroup, dom0, domains, volumes, pvs, disks };
}

function splitSections(stdout: string, lines: readonly OutputLine[], fail: Fail): Record<Exclude<Marker, '@@end'>, Section> {
  const raw = stdout.split('\n');
  const markers: OutputLine[] = [];
  const body = new Map<Marker, OutputLine[]>(METERING_MARKERS.map((m) => [m, []]));
  for (const line of lines.slice(1)) {
    const text = line.text.trim();
    const expected = METERING_MARKERS[markers.length];
    if (MARKER_LIKE.test(text)) {
      if (expected === undefined) fail(line, `${text} after @@end`);
      if (text !== expected) fail(line, `expected ${expected}, found ${text}: a section is missing or out of order`);
      markers.push(line);
    } else if (markers.length === 0) {
      fail(line, 'expected @@xl-list after the clock');
    } else if (expected === undefined) {
      fail(line, 'output after @@end');
    } else {
      body.get(METERING_MARKERS[markers.length - 1])?.push(line);
    }
  }
  if (markers.length < METERING_MARKERS.length) {
    fail(endOf(stdout), `no ${METERING_MARKERS[markers.length]}: the output is truncated`);
  }
  const section = (index: number): Section => {
    const from = markers[index].number;
    const to = markers[index + 1].number;
    return {
      marker: markers[index],
      lines: body.get(METERING_MARKERS[index]) ?? [],
      text: raw.map((text, i) => (i + 1 > from && i + 1 < to ? text : '')).join('\n'),
    };
  };
  return { '@@xl-list': section(0), '@@xentop': section(1), '@@lvs': section(2), '@@pvs': section(3), '@@block': section(4), '@@vif': section(5) };
}

/** Run one tool's parser; its error keeps the line and says which section failed. */
function within<T>(section: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof XenParseError) throw new XenParseError(PARSER, error.lineNumber, error.line, `${section}: ${error.reason}`);
    throw error;
  }
}

function readDomains(xlSection: Section, xentopSection: Section, vifSection: Section, fail: Fail): { dom0: MeteringDom0; domains: MeteringDomain[] } {
  if (xlSection.lines.length === 0) fail(xlSection.marker, 'xl list printed nothing: expected its header');
  const entries = within('xl list', () => parseXlList(xlSection.text));
  const rowLines = xlSection.lines.slice(1);
  if (xentopSection.lines.length === 0) fail(xentopSection.marker, 'xentop printed nothing: expected its header');
  const top = within('xentop', () => parseXentop(xentopSection.text));
  const header = xentopSection.lines[0];
  const columns = header.text.trim().split(/\s+/);
  for (const column of XENTOP_COLUMNS) if (!columns.includes(column)) fail(header, `xentop: no ${column} column`);
  const xentopLine = (name: string): OutputLine => xentopSection.lines.find((l) => l.text.trim().startsWith(`${name} `)) ?? header;
  const byName = new Map<string, XentopDomain>();
  for (const row of top.domains) {
    if (byName.has(row.name)) fail(xentopLine(row.name), `xentop: ${row.name} is listed twice`);
    byName.set(row.name, row);
  }
  const vifs = within('vif', () => parseVifBytes(vifSection.text));

  const names = new Set<string>();
  const domids = new Set<number>();
  let dom0: MeteringDom0 | undefined;
  const domains: MeteringDomain[] = [];
  entries.forEach((entry, i) => {
    const line = rowLines[i];
    const at = (reason: string): never => fail(line, `xl list: ${reason}`);
    if (names.has(entry.name) || domids.has(entry.domid)) at(`${entry.name} (domid ${entry.domid}) is listed twice`);
    names.add(entry.name);
    domids.add(entry.domid);
    // The exact decimal from the line: parseXlList's float would need rounding back.
    const time = /(\d+)\.(\d)$/.exec(line.text.trim()) ?? at("Time(s) must have one decimal (xl's %8.1f)");
    const cpuMs = toSafeInteger(time[1], at, 'Time(s)') * 1000 + Number(time[2]) * 100;
    if (!Number.isSafeInteger(cpuMs)) at(`Time(s) ${time[0]} is larger than 2^53 ms`);
    const xentop = byName.get(entry.name) ?? at(`${entry.name} (domid ${entry.domid}) has no xentop row`);
    const base = { name: entry.name, cpuMs, memoryMiB: entry.memoryMiB, vcpus: entry.vcpus, stateText: entry.stateText, state: entry.state };
    if (entry.domid === 0) {
      dom0 = base;
      return;
    }
    const rowAt = (reason: string): never => fail(xentopLine(entry.name), `xentop: ${reason}`);
    if (xentop.cpuSeconds * 1000 + CPU_SLACK_MS <= cpuMs) {
      rowAt(`${entry.name} has ${xentop.cpuSeconds} s of CPU, xl list ${time[0]} s just before: the domain was recreated during the reading`);
    }
    const own = vifs.filter((v) => v.domid === entry.domid);
    // xenstat counts no vif at all on a host without a Linux bridge, so 0 proves nothing; any other count must match.
    if (xentop.nets > 0 && xentop.nets !== own.length) {
      rowAt(`${entry.name} (domid ${entry.domid}) has ${xentop.nets} vifs, sysfs shows ${own.length} named vif${entry.domid}.<devid>: a renamed vif (vifname=) or one that came or went during the reading`);
    }
    const sum = (field: 'rxBytes' | 'txBytes'): number => {
      const total = own.reduce((acc, v) => acc + v[field], 0);
      return Number.isSafeInteger(total) ? total : rowAt(`${entry.name}: the sum of vif ${field} is larger than 2^53`);
    };
    domains.push({ ...base, domid: entry.domid, vbd: vbdTotals(xentop, rowAt), netOutBytes: sum('rxBytes'), netInBytes: sum('txBytes'), vifs: own });
  });
  return { dom0: dom0 ?? fail(xlSection.lines[0], 'xl list: no Domain-0 (domid 0)'), domains };
}

function vbdTotals(row: XentopDomain, at: (reason: string) => never): VbdTotals | null {
  const values = [row.vbdOo, row.vbdRd, row.vbdWr, row.vbdRsect, row.vbdWsect];
  if (values.every((v) => v === null)) return null;
  const [oo, rd, wr, rsect, wsect] = values;
  if (oo === null || rd === null || wr === null || rsect === null || wsect === null) {
    return at(`${row.name}: some VBD columns are \`-\` and others are not`);
  }
  return { ooRequests: oo, readRequests: rd, writeRequests: wr, readSectors: rsect, writeSectors: wsect };
}

function readVolumes(section: Section, stats: ReadonlyMap<string, BlockStat>, fail: Fail): MeteringVolume[] {
  const lvs = within('lvs', () => parseLvKernelMinors(section.text));
  return lvs.map((lv, i): MeteringVolume => {
    if (lv.kernelMinor === null) return { name: lv.name, active: false };
    const device = `dm-${lv.kernelMinor}`;
    const stat = stats.get(device) ?? fail(section.lines[i], `lvs: ${lv.name} is active as ${device} but /sys/class/block/${device}/stat was not read`);
    return { name: lv.name, active: true, kernelMinor: lv.kernelMinor, device, stat };
  });
}

function readPhysicalVolumes(
  section: Section,
  volumeGroup: string,
  stats: ReadonlyMap<string, BlockStat>,
  fail: Fail,
): { pvs: MeteringPv[]; disks: MeteringDisk[] } {
  const rows = within('pvs', () => parsePvVolumeGroups(section.text));
  const pvs: MeteringPv[] = [];
  const disks = new Map<string, { pvNames: string[]; stat: BlockStat }>();
  rows.forEach((row, i) => {
    if (row.vgName !== volumeGroup) return;
    const at = (reason: string): never => fail(section.lines[i], `pvs: ${reason}`);
    const path = /^\/dev\/(\S+)$/.exec(row.pvName) ?? at(`PV ${row.pvName} is not a /dev path (a missing PV?)`);
    // sysfs writes a `/` of a device name as `!` (cciss/c0d0 -> cciss!c0d0).
    const device = path[1].replace(/\//g, '!');
    const stat = stats.get(device) ?? at(`no /sys/class/block/${device}/stat for PV ${row.pvName}: a PV must be named /dev/<kernel name>; a /dev/mapper or /dev/md/ alias cannot be tied to its stats`);
    const parent = partitionParent(device);
    const disk = parent ?? device;
    const diskStat = stats.get(disk) ?? at(`PV ${row.pvName} is a partition of ${disk}, and /sys/class/block/${disk}/stat was not read`);
    pvs.push({ pvName: row.pvName, device, parent, disk, stat });
    const entry = disks.get(disk) ?? { pvNames: [], stat: diskStat };
    entry.pvNames.push(row.pvName);
    disks.set(disk, entry);
  });
  if (pvs.length === 0) fail(section.lines[section.lines.length - 1] ?? section.marker, `pvs: no PV belongs to volume group ${volumeGroup} (does it exist?)`);
  return { pvs, disks: [...disks.entries()].map(([device, d]) => ({ device, kind: blockDeviceKind(device), pvNames: d.pvNames, stat: d.stat })) };
}

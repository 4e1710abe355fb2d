import { failer, outputLines, toSafeInteger } from './output-lines';

/**
 * One block device's `/sys/class/block/<dev>/stat` (Linux Documentation/block/stat.rst):
 * 11 fields, 15 from kernel 4.18 (discard), 17 from 5.5 (flush). Sectors are
 * 512 bytes whatever the device's own sector size.
 *
 * The kernel prints every `...TicksMs` field and `inFlight` with `%8u` from a
 * 32-bit value, so the tick counters wrap at 2^32 ms (about 49.7 days of
 * accumulated time): take their deltas modulo 2^32. The I/O and sector counts
 * are `unsigned long` (64-bit on a 64-bit Dom0) and do not wrap in practice.
 */
export interface BlockStat {
  readonly readIos: number;
  readonly readMerges: number;
  readonly readSectors: number;
  /** Summed wait of read requests: grows faster than wall time under concurrency. */
  readonly readTicksMs: number;
  readonly writeIos: number;
  readonly writeMerges: number;
  readonly writeSectors: number;
  readonly writeTicksMs: number;
  /** Requests issued to the driver and not completed yet: a gauge, not a counter. */
  readonly inFlight: number;
  /** Milliseconds during which the device had requests in flight: its busy time (%util = d(ioTicksMs) / d(wall ms)). */
  readonly ioTicksMs: number;
  /** Summed wait of all requests (weighted by how many waited). */
  readonly timeInQueueMs: number;
  /** Kernel 4.18+; null on an 11-field line. */
  readonly discard: { readonly ios: number; readonly merges: number; readonly sectors: number; readonly ticksMs: number } | null;
  /** Kernel 5.5+; null on an 11- or 15-field line. */
  readonly flush: { readonly ios: number; readonly ticksMs: number } | null;
}

export interface BlockDeviceStat {
  /** The kernel name under /sys/class/block: `sda`, `sda3`, `nvme0n1p3`, `md2`, `dm-4` (a `/` in the name shows as `!`). */
  readonly device: string;
  readonly stat: BlockStat;
}

const PARSER = 'block stat';
/** `grep -H . /sys/class/block/<star>/stat`: `path:` then the stat line, fields right-aligned with `%8lu`. */
const LINE = /^\/sys\/class\/block\/([^/\s]+)\/stat:(.*)$/;
/** A device removed between the glob and the read (an LV being removed): grep says so on stderr. */
const VANISHED = /^grep: \S+: No such file or directory$/;
const FIELD_NAMES = [
  'read I/Os', 'read merges', 'read sectors', 'read ticks', 'write I/Os', 'write merges', 'write sectors', 'write ticks',
  'in_flight', 'io_ticks', 'time_in_queue', 'discard I/Os', 'discard merges', 'discard sectors', 'discard ticks', 'flush I/Os', 'flush ticks',
] as const;

/**
 * The stat lines of `grep -H . /sys/class/block/<star>/stat`, one per device.
 * A line with other than 11, 15 or 17 unsigned integers is an error, as is a
 * device listed twice; grep's "No such file" lines (a device that vanished
 * while being read, when stderr is merged in) are skipped.
 */
export function parseBlockStats(stdout: string): BlockDeviceStat[] {
  const fail = failer(PARSER);
  const seen = new Set<string>();
  const devices: BlockDeviceStat[] = [];
  for (const line of outputLines(stdout)) {
    const at = (reason: string): never => fail(line, reason);
    const text = line.text.trim();
    if (VANISHED.test(text)) continue;
    const match = LINE.exec(text) ?? at('expected /sys/class/block/<device>/stat:<fields>');
    const device = match[1];
    if (seen.has(device)) at(`${device} is listed twice`);
    seen.add(device);
    const fields = match[2].trim().split(/\s+/);
    if (![11, 15, 17].includes(fields.length)) at(`${device}: expected 11, 15 or 17 fields, got ${fields.length}`);
    const v = fields.map((field, i) => toSafeInteger(field, at, `${device} ${FIELD_NAMES[i]}`));
    devices.push({
      device,
      stat: {
        readIos: v[0],
        readMerges: v[1],
        readSectors: v[2],
        readTicksMs: v[3],
        writeIos: v[4],
        writeMerges: v[5],
        writeSectors: v[6],
        writeTicksMs: v[7],
        inFlight: v[8],
        ioTicksMs: v[9],
        timeInQueueMs: v[10],
        discard: v.length >= 15 ? { ios: v[11], merges: v[12], sectors: v[13], ticksMs: v[14] } : null,
        flush: v.length === 17 ? { ios: v[15], ticksMs: v[16] } : null,
      },
    });
  }
  return devices;
}

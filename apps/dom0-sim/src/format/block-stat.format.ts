import type { BlockStatCounters } from '../state/host-state';

const U32 = 2 ** 32;
/** Debian's kernel runs at HZ=250: io_ticks counts jiffies, so it moves in steps of 4 ms. */
const JIFFY_MS = 4;

/**
 * `/sys/class/block/<dev>/stat` as Linux 6.1 prints it (block/genhd.c part_stat_show):
 * "%8lu %8lu %8llu %8u " "%8lu %8lu %8llu %8u " "%8u %8u %8u " "%8lu %8lu %8llu %8u " "%8lu %8u",
 * i.e. read I/Os, merges, sectors, ticks; write I/Os, merges, sectors, ticks;
 * in_flight, io_ticks, time_in_queue; discard I/Os, merges, sectors, ticks;
 * flush I/Os, ticks. The `%8u` fields are 32-bit milliseconds and wrap at 2^32,
 * as on a real host; time_in_queue is the four tick sums added before truncating.
 * Without the trailing newline, like the simulator's other sysfs values.
 */
export function formatBlockStat(stat: BlockStatCounters, inFlight: number): string {
  const count = (v: number): number => Math.floor(v);
  const ms = (v: number): number => Math.floor(v) % U32;
  const fields = [
    count(stat.readIos), count(stat.readMerges), count(stat.readSectors), ms(stat.readMs),
    count(stat.writeIos), count(stat.writeMerges), count(stat.writeSectors), ms(stat.writeMs),
    Math.max(0, Math.round(inFlight)) % U32, (Math.floor(stat.busyMs / JIFFY_MS) * JIFFY_MS) % U32,
    ms(stat.readMs + stat.writeMs + stat.discardMs + stat.flushMs),
    count(stat.discardIos), count(stat.discardMerges), count(stat.discardSectors), ms(stat.discardMs),
    count(stat.flushIos), ms(stat.flushMs),
  ];
  return fields.map((v) => String(v).padStart(8)).join(' ');
}

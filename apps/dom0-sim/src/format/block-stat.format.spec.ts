import { zeroStat } from '../state/block-devices';
import { formatBlockStat } from './block-stat.format';

describe('/sys/class/block/<dev>/stat as Linux 6.1 prints it', () => {
  it('17 fields, each right-aligned in 8 columns, one space apart, in part_stat_show order', () => {
    const line = formatBlockStat(
      {
        readIos: 1234.9, readMerges: 5, readSectors: 98765, readMs: 4321.7, writeIos: 42, writeMerges: 7, writeSectors: 123456789, writeMs: 99,
        busyMs: 5003, discardIos: 1, discardMerges: 2, discardSectors: 3, discardMs: 4, flushIos: 6, flushMs: 0.5,
      },
      2.6,
    );
    expect(line).toBe(
      '    1234        5    98765     4321       42        7 123456789       99        3     5000     4425        1        2        3        4        6        0',
    );
    const fields = line.trim().split(/\s+/);
    expect(fields).toHaveLength(17);
    // %8lu: a value wider than 8 columns pushes the line out rather than being cut.
    expect(line.slice(0, 8)).toBe('    1234');
    expect(line.split(' ').filter(Boolean)[6]).toBe('123456789');
    // time_in_queue is the four tick sums added up before truncating: 4321.7 + 99 + 4 + 0.5.
    expect(fields[10]).toBe('4425');
  });

  it('an idle device is all zeros; the %8u millisecond fields wrap at 2^32 as the kernel does', () => {
    expect(formatBlockStat(zeroStat(), 0)).toBe(Array(17).fill('       0').join(' '));
    const wrapped = formatBlockStat({ ...zeroStat(), readIos: 2 ** 40, readMs: 2 ** 32 + 10, busyMs: 2 ** 32 + 8 }, 0).trim().split(/\s+/).map(Number);
    expect([wrapped[0], wrapped[3], wrapped[9], wrapped[10]]).toEqual([2 ** 40, 10, 8, 10]);
  });
});

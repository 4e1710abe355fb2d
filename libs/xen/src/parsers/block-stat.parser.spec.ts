import { describe, expect, it } from '@jest/globals';
import { blockDeviceKind, partitionParent } from './block-device';
import { parseBlockStats } from './block-stat.parser';
import { parseError } from './expect-parse-error';

/** genhd.c part_stat_show: every field `%8lu`/`%8u`, one space apart. */
const statLine = (device: string, fields: ReadonlyArray<number | string>): string => `/sys/class/block/${device}/stat:${fields.map((f) => String(f).padStart(8)).join(' ')}`;

describe('parseBlockStats', () => {
  it('reads 17-field (5.5+), 15-field (4.18+) and 11-field lines, right-aligned as the kernel prints them', () => {
    const text = [
      statLine('nvme0n1', [255999, 814, 12369153, 47919, 996858, 81, 36123056, 426009, 0, 301809, 580491, 0, 0, 0, 0, 60605, 106562]),
      statLine('sda3', [492, 813, 17572, 96, 848, 81, 108288, 210, 3, 76, 307, 5, 0, 4096, 1]),
      statLine('md2', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
      '',
    ].join('\n');
    expect(text.split('\n')[2]).toBe('/sys/class/block/md2/stat:       1        2        3        4        5        6        7        8        9       10       11');
    expect(parseBlockStats(text)).toEqual([
      {
        device: 'nvme0n1',
        stat: {
          readIos: 255999, readMerges: 814, readSectors: 12369153, readTicksMs: 47919,
          writeIos: 996858, writeMerges: 81, writeSectors: 36123056, writeTicksMs: 426009,
          inFlight: 0, ioTicksMs: 301809, timeInQueueMs: 580491,
          discard: { ios: 0, merges: 0, sectors: 0, ticksMs: 0 },
          flush: { ios: 60605, ticksMs: 106562 },
        },
      },
      { device: 'sda3', stat: expect.objectContaining({ inFlight: 3, ioTicksMs: 76, discard: { ios: 5, merges: 0, sectors: 4096, ticksMs: 1 }, flush: null }) },
      { device: 'md2', stat: expect.objectContaining({ readIos: 1, timeInQueueMs: 11, discard: null, flush: null }) },
    ]);
  });

  it('skips grep lines for a device that vanished while being read', () => {
    const text = `grep: /sys/class/block/dm-9/stat: No such file or directory\n${statLine('dm-0', Array(17).fill(1))}\n`;
    expect(parseBlockStats(text).map((d) => d.device)).toEqual(['dm-0']);
  });

  it('rejects a line naming it: wrong field count, not a number, above 2^53, twice, not a stat line', () => {
    const good = statLine('sda', Array(17).fill(7));
    expect(parseError(parseBlockStats, `${good}\n${statLine('sdb', Array(12).fill(1))}\n`)).toMatchObject({ parser: 'block stat', lineNumber: 2, reason: expect.stringMatching(/11, 15 or 17 fields, got 12/) });
    expect(parseError(parseBlockStats, `${statLine('sdb', Array(10).fill(1))}\n`).reason).toMatch(/got 10/);
    expect(parseError(parseBlockStats, `${good.replace(/7$/, 'x')}\n`)).toMatchObject({ lineNumber: 1, reason: expect.stringMatching(/flush ticks "x" is not an unsigned integer/) });
    expect(parseError(parseBlockStats, `${statLine('sda', ['9007199254740993', ...Array(16).fill(0)])}\n`).reason).toMatch(/read I\/Os 9007199254740993 is larger than 2\^53/);
    expect(parseError(parseBlockStats, `${good}\n${good}\n`)).toMatchObject({ lineNumber: 2, reason: 'sda is listed twice' });
    expect(parseError(parseBlockStats, 'grep: /sys/class/block/sda/stat: Permission denied\n').lineNumber).toBe(1);
  });
});

describe('partitionParent and blockDeviceKind', () => {
  it('derives the whole device of a partition by the kernel naming', () => {
    const cases: Array<[string, string | null]> = [
      ['sda3', 'sda'], ['sdab12', 'sdab'], ['xvda1', 'xvda'], ['vdb2', 'vdb'], ['hda5', 'hda'],
      ['nvme0n1p3', 'nvme0n1'], ['mmcblk0p1', 'mmcblk0'], ['md127p1', 'md127'], ['nbd0p2', 'nbd0'],
      ['sda', null], ['nvme0n1', null], ['md2', null], ['dm-4', null], ['loop0', null], ['sr0', null],
    ];
    expect(cases.map(([device]) => [device, partitionParent(device)])).toEqual(cases);
  });

  it('tells md arrays and device-mapper devices from disks', () => {
    expect(['sda', 'nvme0n1', 'md2', 'md127', 'dm-4'].map(blockDeviceKind)).toEqual(['disk', 'disk', 'md', 'md', 'dm']);
  });
});

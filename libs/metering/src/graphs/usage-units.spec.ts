import { describe, expect, it } from '@jest/globals';
import { formatUsageValue, USAGE_UNITS } from './usage-units';

describe('formatUsageValue', () => {
  it.each([
    [0, '%', '0'],
    [37.5, '%', '37.5%'],
    [250, '%', '250%'],
    [500, 'IOPS', '500 IOPS'],
    [1500, 'IOPS', '1.5k IOPS'],
    [999, 'B/s', '999 B/s'],
    [25_000_000, 'B/s', '25 MB/s'],
    [1_250_000_000, 'B/s', '1.25 GB/s'],
    [999_999, 'B/s', '1 MB/s'],
    [0.5, 'B/s', '0.5 B/s'],
    [800_000_000, 'bit/s', '800 Mbit/s'],
    [1e9, 'bit/s', '1 Gbit/s'],
    [0.25, 'ms', '0.25 ms'],
    [12, 'ms', '12 ms'],
    [1500, 'ms', '1.5 s'],
  ] as const)('%p %s -> %s', (value, unit, text) => {
    expect(formatUsageValue(value, unit)).toBe(text);
  });

  it('knows the units the graphs use', () => {
    expect(USAGE_UNITS).toEqual(['%', 'IOPS', 'B/s', 'bit/s', 'ms']);
  });
});

import { describe, expect, it } from '@jest/globals';
import { parseError } from './expect-parse-error';
import { fixture } from './fixture';
import { parseDom0Mem, parseXlInfo, parseXlInfoInteger, parseXlInfoValue } from './xl-info.parser';

describe('parseXlInfo', () => {
  it('reads the key: value map and typed totals', () => {
    const info = parseXlInfo(fixture('xl-info.txt'));
    expect(info).toMatchObject({
      host: 'xen-a1',
      nrCpus: 16,
      nrNodes: 1,
      cpuMhz: 2394.454,
      totalMemoryMiB: 65413,
      freeMemoryMiB: 53061,
      xenMajor: 4,
      xenMinor: 17,
      xenVersion: '4.17.3-pre',
      xenScheduler: 'credit2',
      dom0MemoryMiB: 4096,
      dom0MaxMemoryMiB: 4096,
    });
    expect(info.values.xen_changeset).toBe('');
    expect(info.values.cc_compile_date).toBe('Fri Feb  2 10:05:57 UTC 2024');
  });

  it('reads dom0_mem in its forms', () => {
    expect(parseDom0Mem('dom0_mem=4G')).toEqual({ memoryMiB: 4096 });
    expect(parseDom0Mem('x dom0_mem=1024M,min:512M,max:2048M y')).toEqual({ memoryMiB: 1024, maxMemoryMiB: 2048 });
    expect(parseDom0Mem('console=vga')).toEqual({});
  });

  it('reads the single value form', () => {
    expect(parseXlInfoValue('53061\n')).toBe('53061');
    expect(parseXlInfoInteger('53061\r\n')).toBe(53061);
    expect(parseError(parseXlInfoInteger, 'lots\n')).toMatchObject({ lineNumber: 1, line: 'lots' });
    expect(parseError(parseXlInfoValue, '1\n2\n').lineNumber).toBe(2);
  });

  it('gives the typed error naming the line', () => {
    expect(parseError(parseXlInfo, 'host : a\nthis line has no colon\n')).toMatchObject({ parser: 'xl info', lineNumber: 2 });
    const noFree = fixture('xl-info.txt').replace(/^free_memory.*\n/m, '');
    expect(parseError(parseXlInfo, noFree).reason).toBe('missing free_memory');
    const badTotal = fixture('xl-info.txt').replace('total_memory           : 65413', 'total_memory           : n/a');
    expect(parseError(parseXlInfo, badTotal)).toMatchObject({ lineNumber: 13, line: 'total_memory           : n/a' });
  });
});

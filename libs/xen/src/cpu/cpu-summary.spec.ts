import { describe, expect, it } from '@jest/globals';
import { XenArgumentError } from '../errors/xen-argument.error';
import { parseXlList } from '../parsers/xl-list.parser';
import { parseXlUptime } from '../parsers/xl-uptime.parser';
import { formatCpuSummary } from './cpu-summary';
import { currentCpuUse, lifetimeCpuUse } from './cpu-use';

describe('CPU summary', () => {
  it('computes lifetime averages from xl list and xl uptime output', () => {
    const list = parseXlList(
      'Name                                        ID   Mem VCPUs\tState\tTime(s)\n' +
        'Domain-0                                     0  4096     4     r-----    3600.0\n' +
        'web1                                         3  2048     2     -b----    7200.0\n' +
        'fresh                                        4   512     1     -b----       0.0\n',
    );
    const uptime = parseXlUptime(
      'Name                                ID Uptime\n' +
        'Domain-0                             0  2:00:00\n' +
        'web1                                 3  1:00:00\n' +
        'fresh                                4  0:00:00\n',
    );
    expect(formatCpuSummary(lifetimeCpuUse(list, uptime))).toEqual([
      'web1 uses 200.0% of one CPU',
      'Domain-0 uses 50.0% of one CPU',
      'Overall CPU use approximates 250.0% of one CPU',
    ]);
  });

  it('computes current use from two samples and skips recreated domains', () => {
    const uses = currentCpuUse(
      { takenAtMs: 1_000, domains: [{ name: 'a', domid: 1, cpuTimeSeconds: 10 }, { name: 'b', domid: 2, cpuTimeSeconds: 50 }, { name: 'c', domid: 3, cpuTimeSeconds: 5 }] },
      { takenAtMs: 11_000, domains: [{ name: 'a', domid: 1, cpuTimeSeconds: 15 }, { name: 'b', domid: 2, cpuTimeSeconds: 10 }, { name: 'c', domid: 7, cpuTimeSeconds: 1 }] },
    );
    expect(uses).toEqual([{ name: 'a', domid: 1, percentOfOneCpu: 50 }]);
    expect(formatCpuSummary(uses, (p) => p.toFixed(0))).toEqual(['a uses 50% of one CPU', 'Overall CPU use approximates 50% of one CPU']);
  });

  it('sorts descending with ties by name and refuses a zero interval', () => {
    const lines = formatCpuSummary([
      { name: 'b', domid: 2, percentOfOneCpu: 10 },
      { name: 'a', domid: 1, percentOfOneCpu: 10 },
      { name: 'c', domid: 3, percentOfOneCpu: 30 },
    ]);
    expect(lines.slice(0, 3)).toEqual(['c uses 30.0% of one CPU', 'a uses 10.0% of one CPU', 'b uses 10.0% of one CPU']);
    expect(formatCpuSummary([])).toEqual(['Overall CPU use approximates 0.0% of one CPU']);
    expect(() => currentCpuUse({ takenAtMs: 5, domains: [] }, { takenAtMs: 5, domains: [] })).toThrow(XenArgumentError);
  });
});

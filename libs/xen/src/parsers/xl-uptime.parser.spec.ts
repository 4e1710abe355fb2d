import { describe, expect, it } from '@jest/globals';
import { parseError } from './expect-parse-error';
import { fixture } from './fixture';
import { parseXlUptime, parseXlUptimeShort } from './xl-uptime.parser';

describe('parseXlUptime', () => {
  it('reads `N days,`, `1 day,` and hours-only uptimes into seconds', () => {
    expect(parseXlUptime(fixture('xl-uptime.reference.txt'))).toEqual([
      { name: 'Domain-0', domid: 0, uptimeSeconds: ((12 * 24 + 3) * 60 + 4) * 60 + 5 },
      { name: 'web1', domid: 3, uptimeSeconds: ((24 + 22) * 60 + 0) * 60 + 7 },
      { name: 'db1', domid: 7, uptimeSeconds: (9 * 60 + 59) * 60 + 1 },
    ]);
  });

  it('reads a zero uptime and names with dots', () => {
    expect(parseXlUptime('Name                                ID Uptime\nnew.vm_1-a                          42  0:00:00\n')).toEqual([{ name: 'new.vm_1-a', domid: 42, uptimeSeconds: 0 }]);
  });

  it('reads the short form', () => {
    expect(parseXlUptimeShort(fixture('xl-uptime-short.txt'))).toEqual([
      { name: 'Domain-0', domid: 0, currentTime: '14:27:33', uptimeSeconds: ((12 * 24 + 3) * 60 + 4) * 60 },
      { name: 'web1', domid: 3, currentTime: '14:27:33', uptimeSeconds: (46 * 60) * 60 },
      { name: 'db1', domid: 7, currentTime: '14:27:33', uptimeSeconds: (9 * 60 + 59) * 60 },
    ]);
  });

  it('gives the typed error naming the line', () => {
    const text = 'Name                                ID Uptime\nweb1                                 3 1 week\n';
    expect(parseError(parseXlUptime, text)).toMatchObject({ parser: 'xl uptime', lineNumber: 2, line: 'web1                                 3 1 week' });
    expect(parseError(parseXlUptime, 'Name ID Uptime\nweb1 3 1:75:00\n').lineNumber).toBe(2);
    expect(parseError(parseXlUptimeShort, 'garbage\n')).toMatchObject({ parser: 'xl uptime -s', lineNumber: 1 });
  });
});

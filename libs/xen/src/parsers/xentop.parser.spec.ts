import { describe, expect, it } from '@jest/globals';
import { parseError } from './expect-parse-error';
import { fixture } from './fixture';
import { parseXentop } from './xentop.parser';

describe('parseXentop', () => {
  it('reads the reference sample', () => {
    const sample = parseXentop(fixture('xentop.reference.txt'));
    expect(sample.iterations).toBe(1);
    expect(sample.domains.map((d) => d.name)).toEqual(['db1', 'Domain-0', 'web1']);
    expect(sample.domains[0]).toEqual({
      name: 'db1',
      stateText: '--b---',
      state: expect.objectContaining({ summary: 'blocked' }),
      cpuSeconds: 95012,
      cpuPercent: 87.4,
      memKiB: 8388608,
      memPercent: 12.5,
      maxMemKiB: 8389632,
      maxMemPercent: 12.5,
      vcpus: 4,
      nets: 1,
      netTxKiB: 20480000,
      netRxKiB: 40960000,
      vbds: 3,
      vbdOo: 12,
      vbdRd: 10023456,
      vbdWr: 30234567,
      vbdRsect: 801234567,
      vbdWsect: 2401234567,
      ssid: 0,
    });
    expect(sample.domains[1]).toMatchObject({ name: 'Domain-0', maxMemKiB: null, maxMemPercent: null, state: { summary: 'running' } });
  });

  it('takes the last of several iterations', () => {
    const sample = parseXentop(fixture('xentop.two-iterations.txt'));
    expect(sample.iterations).toBe(2);
    expect(sample.domains.map((d) => d.cpuPercent)).toEqual([87.4, 3.2, 12.5]);
  });

  it('reads full names, widened columns, `-` counters, crashed and dying states', () => {
    const [dom0, customer, io, crashed, dying] = parseXentop(fixture('xentop.full-names-widened.txt')).domains;
    expect(dom0).toMatchObject({ cpuPercent: 203.2, maxMemKiB: 4195328 });
    expect(customer).toMatchObject({ name: 'customer-42.shop.example.com', cpuSeconds: 9950123, netTxKiB: 9007199254, vbdWsect: 30123456789 });
    expect(io).toMatchObject({ name: 'io_heavy-01', vbdOo: null, vbdRd: null, vbdWr: null, vbdRsect: null, vbdWsect: null });
    expect(crashed.state).toMatchObject({ summary: 'crashed', crashed: true });
    expect(dying.state).toMatchObject({ summary: 'dying', dying: true });
  });

  it('skips -x/-n detail lines', () => {
    const { domains } = parseXentop(fixture('xentop.detail-lines.txt'));
    expect(domains).toHaveLength(1);
    expect(domains[0].name).toBe('web1');
  });

  it('gives the typed error naming the line', () => {
    expect(parseError(parseXentop, '').parser).toBe('xentop');
    const text = fixture('xentop.reference.txt').replace('--b---      10432', '--q---      10432');
    expect(parseError(parseXentop, text)).toMatchObject({ lineNumber: 4 });
    const short = fixture('xentop.reference.txt').split('\n').slice(0, 2).concat(['  web1 --b--- 1 2']).join('\n');
    expect(parseError(parseXentop, short)).toMatchObject({ lineNumber: 3, line: '  web1 --b--- 1 2' });
    expect(parseError(parseXentop, 'web1 --b--- 1\n      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k)\n').lineNumber).toBe(1);
  });
});

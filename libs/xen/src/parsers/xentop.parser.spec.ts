import { describe, expect, it } from '@jest/globals';
import { parseError } from './expect-parse-error';
import { fixture } from './fixture';
import { parseXentop } from './xentop.parser';

const HEADER = fixture('xentop.reference.txt').split('\n')[0];

/** What `xentop -r` prints for the same run: the header before every domain row, none elsewhere. */
function repeatHeader(text: string): string {
  return text
    .split('\n')
    .filter((line) => line !== HEADER && line !== '')
    .flatMap((line) => (/^(VBD |Net\d+ )/.test(line) ? [line] : [HEADER, line]))
    .join('\n');
}

/** A row with only the name and CPU(%) differing (the values are the reference's web1). */
function row(name: string, cpuPercent = '12.5'): string {
  return `${name.padStart(10)} --b---      10432 ${cpuPercent.padStart(6)}    2097152    3.1    2098176       3.1     2    1  7168000  1468006    2        0  1839201  7724410   60123456  301234567    0`;
}

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

  describe('with -r (the header before every domain row)', () => {
    it('reads one iteration as one', () => {
      const sample = parseXentop(repeatHeader(fixture('xentop.reference.txt')));
      expect(sample.iterations).toBe(1);
      expect(sample.domains).toEqual(parseXentop(fixture('xentop.reference.txt')).domains);
    });

    it('takes the last of several iterations and counts them', () => {
      const sample = parseXentop(repeatHeader(fixture('xentop.two-iterations.txt')));
      expect(sample.iterations).toBe(2);
      expect(sample.domains.map((d) => d.name)).toEqual(['db1', 'Domain-0', 'web1']);
      expect(sample.domains.map((d) => d.cpuPercent)).toEqual([87.4, 3.2, 12.5]);
      const three = [1, 2, 3].map((n) => [row('db1', `${n}.0`), row('Domain-0', `${n}.0`), row('web1', `${n}.0`)].join('\n')).join('\n');
      expect(parseXentop(repeatHeader(three))).toMatchObject({ iterations: 3, domains: [{ cpuPercent: 3 }, { cpuPercent: 3 }, { cpuPercent: 3 }] });
    });

    it('skips -x/-n detail lines between a row and the next header', () => {
      const vbd = 'VBD BlkBack 51712 [ca:  0]  OO:        0   RD:  1839201   WR:  7724410   RSECT:   60123456   WSECT:  301234567';
      const net = 'Net0 RX: 1503237120bytes  1048576pkts        0err        0drop  TX: 7340032000bytes  5242880pkts        0err        0drop';
      const iteration = (cpu: string): string => [row('db1', cpu), net, vbd, vbd, row('Domain-0', cpu), row('web1', cpu), net, vbd].join('\n');
      const text = repeatHeader(`${iteration('0.0')}\n${iteration('7.5')}\n`);
      expect(text.split('\n').filter((line) => line === HEADER)).toHaveLength(6);
      const sample = parseXentop(text);
      expect(sample.iterations).toBe(2);
      expect(sample.domains.map((d) => [d.name, d.cpuPercent])).toEqual([['db1', 7.5], ['Domain-0', 7.5], ['web1', 7.5]]);
    });

    it('orders names as strcasecmp does, so mixed case stays in one iteration', () => {
      // Byte order would put Domain-0 and Zeta before alpha and split the iteration there.
      const names = ['alpha', 'Beta', 'db1', 'Domain-0', 'gamma', 'Zeta'];
      const text = repeatHeader([...names.map((n) => row(n, '0.0')), ...names.map((n) => row(n, '4.0'))].join('\n'));
      const sample = parseXentop(text);
      expect(sample.iterations).toBe(2);
      expect(sample.domains.map((d) => d.name)).toEqual(names);
      expect(sample.domains.every((d) => d.cpuPercent === 4)).toBe(true);
    });

    it('starts a new iteration at a name that sorts earlier, even one not seen before, and at a repeated name', () => {
      // web2 was destroyed and aaa created between the two iterations.
      const first = [row('Domain-0', '0.0'), row('web1', '0.0'), row('web2', '0.0')];
      const second = [row('aaa', '1.0'), row('Domain-0', '1.0'), row('web1', '1.0')];
      const sample = parseXentop(repeatHeader([...first, ...second].join('\n')));
      expect(sample.iterations).toBe(2);
      expect(sample.domains.map((d) => d.name)).toEqual(['aaa', 'Domain-0', 'web1']);
      // A host with Dom0 alone: every iteration is one row with the same name.
      expect(parseXentop(repeatHeader([row('Domain-0'), row('Domain-0'), row('Domain-0')].join('\n'))).iterations).toBe(3);
    });

    it('keeps two cut names that agree in their first ten characters in one iteration', () => {
      // customer-42.shop and customer-42.web, printed with %10.10s.
      const iteration = (cpu: string): string[] => [row('customer-4', cpu), row('customer-4', cpu), row('Domain-0', cpu)];
      const sample = parseXentop(repeatHeader([...iteration('0.0'), ...iteration('2.0')].join('\n')));
      expect(sample.iterations).toBe(2);
      expect(sample.domains.map((d) => [d.name, d.cpuPercent])).toEqual([['customer-4', 2], ['customer-4', 2], ['Domain-0', 2]]);
    });

    it('still reads headers as iterations without -r, whatever the row order', () => {
      // Rows under one header are one iteration, sorted or not (-z puts Domain-0 first).
      const text = [HEADER, row('Domain-0', '0.0'), row('alpha', '0.0'), HEADER, row('Domain-0', '1.0'), row('alpha', '1.0')].join('\n');
      expect(parseXentop(text)).toMatchObject({ iterations: 2, domains: [{ name: 'Domain-0', cpuPercent: 1 }, { name: 'alpha', cpuPercent: 1 }] });
    });
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

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseError } from './expect-parse-error';
import { fixture } from './fixture';
import { parseXlList } from './xl-list.parser';

const HEADER = 'Name                                        ID   Mem VCPUs\tState\tTime(s)';

/** xl_list.c: printf("%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f"). */
function xlRow(name: string, domid: number, mem: number, vcpus: number, state: string, cpu: number): string {
  return `${name.padEnd(40)} ${String(domid).padStart(5)} ${String(mem).padStart(5)} ${String(vcpus).padStart(5)}     ${state}  ${cpu.toFixed(1).padStart(8)}`;
}

describe('parseXlList', () => {
  it('reads the reference sample, TABs in the header and all', () => {
    const domains = parseXlList(fixture('xl-list.reference.txt'));
    expect(domains.map((d) => [d.name, d.domid, d.memoryMiB, d.vcpus, d.state.summary, d.cpuTimeSeconds])).toEqual([
      ['Domain-0', 0, 4096, 4, 'running', 48211.7],
      ['web1', 3, 2048, 2, 'blocked', 10432.9],
      ['build', 9, 1024, 1, 'paused', 0.4],
      ['crashy', 11, 512, 1, 'crashed', 12],
    ]);
    expect(domains[3].state).toMatchObject({ shutdown: true, shutdownReason: 'crash', crashed: true, dying: false });
  });

  it('reads edge cases: CRLF, stray libxl lines, odd names, reasons, dying, widened columns', () => {
    const domains = parseXlList(fixture('xl-list.edge.txt'));
    expect(domains.map((d) => d.name)).toEqual(['Domain-0', 'web.example.com', 'my_db-01', 'rebooting', 'powered-off', 'dying.one', 'big']);
    expect(domains[2].state.summary).toBe('runnable');
    expect(domains[3].state).toMatchObject({ summary: 'shutdown', shutdownReason: 'reboot' });
    expect(domains[4].state).toMatchObject({ summary: 'shutdown', shutdownReason: 'poweroff' });
    expect(domains[5].state).toMatchObject({ summary: 'dying', paused: true, dying: true });
    expect(domains[6]).toMatchObject({ domid: 1234, memoryMiB: 1048576, vcpus: 128, cpuTimeSeconds: 123456789012.3 });
  });

  it('reads a host with only Domain-0', () => {
    expect(parseXlList(fixture('xl-list.dom0-only.txt'))).toHaveLength(1);
  });

  it('splits names from the right, so a name with spaces and digits survives', () => {
    const [entry] = parseXlList(`${HEADER}\n${xlRow('odd 7 name 1', 5, 256, 1, '-b----', 3)}\n`);
    expect(entry).toMatchObject({ name: 'odd 7 name 1', domid: 5, memoryMiB: 256 });
  });

  it('gives the typed error naming the line', () => {
    expect(parseError(parseXlList, '')).toMatchObject({ parser: 'xl list', lineNumber: 1 });
    expect(parseError(parseXlList, 'Error: Domain \'42\' does not exist.\n')).toMatchObject({ lineNumber: 1 });
    const bad = `${HEADER}\n${xlRow('web1', 3, 2048, 2, '-b----', 1)}\n${xlRow('web2', 4, 2048, 2, '-x----', 1)}\n`;
    expect(parseError(parseXlList, bad)).toMatchObject({ lineNumber: 3, line: xlRow('web2', 4, 2048, 2, '-x----', 1) });
    expect(parseError(parseXlList, `${HEADER}\nweb1 3 2048 2 -b---- NaN\n`).lineNumber).toBe(2);
  });

  it('parses back any row printed with the C format', () => {
    const state = fc.tuple(fc.constantFrom('r', '-'), fc.constantFrom('b', '-'), fc.constantFrom('p', '-'), fc.constantFrom('s', '-'), fc.constantFrom('-', 'r', 's', 'c', 'w', 'S'), fc.constantFrom('d', '-')).map((l) => l.join(''));
    const row = fc.record({
      name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/),
      domid: fc.integer({ min: 0, max: 32767 }),
      mem: fc.integer({ min: 0, max: 1 << 24 }),
      vcpus: fc.integer({ min: 1, max: 512 }),
      state,
      cpuTenths: fc.integer({ min: 0, max: 1e13 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), (rows) => {
        const text = [HEADER, ...rows.map((r) => xlRow(r.name, r.domid, r.mem, r.vcpus, r.state, r.cpuTenths / 10))].join('\n') + '\n';
        const parsed = parseXlList(text);
        expect(parsed.map((p) => [p.name, p.domid, p.memoryMiB, p.vcpus, p.stateText, p.cpuTimeSeconds])).toEqual(
          rows.map((r) => [r.name, r.domid, r.mem, r.vcpus, r.state, Number((r.cpuTenths / 10).toFixed(1))]),
        );
        for (const p of parsed) expect(Number.isNaN(p.cpuTimeSeconds)).toBe(false);
      }),
    );
  });
});

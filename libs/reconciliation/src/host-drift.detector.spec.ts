import { parseXlList } from '@carve/xen';
import { detectHostDrift } from './host-drift.detector';
import type { HostServerView } from './host-view';

const HOST = '00000000-0000-4000-8000-000000000001';

function xlList(rows: [name: string, domid: number, state: string][]): ReturnType<typeof parseXlList> {
  const lines = ['Name                                        ID   Mem VCPUs\tState\tTime(s)', 'Domain-0                                     0  4096     4     r-----     100.0'];
  for (const [name, domid, state] of rows) lines.push(`${name.padEnd(44)} ${String(domid).padStart(2)}  1024     2     ${state}      12.5`);
  return parseXlList(`${lines.join('\n')}\n`);
}

function server(overrides: Partial<HostServerView> & { domainName: string }): HostServerView {
  return {
    id: `id-${overrides.domainName}`,
    customerId: 'c1',
    state: 'running',
    inFlux: false,
    recentlyDeleted: false,
    disks: [{ id: `d-${overrides.domainName}`, volumeName: `${overrides.domainName}-root`, state: 'present' }],
    ...overrides,
  };
}

const lv = (name: string) => ({ name, sizeBytes: 10 * 1024 ** 3 });
const kinds = (found: ReturnType<typeof detectHostDrift>) => found.map((f) => `${f.kind}:${f.subject}`).sort();

describe('detectHostDrift', () => {
  it('finds nothing when the host holds exactly what carve knows, and never reports Domain-0', () => {
    const found = detectHostDrift(HOST, { domains: xlList([['web-1', 3, '-b----']]), volumes: [lv('web-1-root')] }, [server({ domainName: 'web-1' })]);
    expect(found).toEqual([]);
  });

  it('reports a domain and an LV nobody in carve owns', () => {
    const found = detectHostDrift(HOST, { domains: xlList([['stray', 7, 'r-----']]), volumes: [lv('scratch')] }, []);
    expect(kinds(found)).toEqual(['orphan_volume:scratch', 'unknown_domain:stray']);
    expect(found.find((f) => f.kind === 'unknown_domain')?.details).toMatchObject({ domid: 7, state: 'running' });
  });

  it('reports a running server whose domain is absent, shut down or crashed, but not one that is blocked or paused', () => {
    const servers = ['gone', 'off', 'dead', 'idle', 'held'].map((domainName) => server({ domainName, disks: [] }));
    const found = detectHostDrift(
      HOST,
      { domains: xlList([['off', 2, '---s--'], ['dead', 3, '---sc-'], ['idle', 4, '-b----'], ['held', 5, '--p---']]), volumes: [] },
      servers,
    );
    expect(found.map((f) => [f.subject, f.details.observed])).toEqual([
      ['id-gone', 'absent'],
      ['id-off', 'shutdown'],
      ['id-dead', 'crashed'],
    ]);
  });

  it('reports a server in rescue whose rescue system is gone, and leaves one being swapped into or out of rescue alone', () => {
    const servers = [server({ domainName: 'fixing', state: 'rescue' }), server({ domainName: 'swapping', state: 'entering_rescue' }), server({ domainName: 'up', state: 'rescue' })];
    const found = detectHostDrift(HOST, { domains: xlList([['up', 6, '-b----']]), volumes: [lv('fixing-root'), lv('swapping-root'), lv('up-root')] }, servers);
    expect(kinds(found)).toEqual(['server_not_running:id-fixing']);
  });

  it('lets servers being built, deleted or changed own half-built domains and every disk, removed ones included', () => {
    const servers = [
      server({ domainName: 'new', state: 'provisioning', disks: [{ id: 'a', volumeName: 'new-root', state: 'pending' }] }),
      server({ domainName: 'bye', state: 'deleting', disks: [{ id: 'b', volumeName: 'bye-root', state: 'removed' }] }),
      server({ domainName: 'busy', state: 'running', inFlux: true, disks: [{ id: 'c', volumeName: 'busy-data', state: 'removed' }] }),
      server({ domainName: 'just-gone', state: 'deleted', recentlyDeleted: true, disks: [{ id: 'd', volumeName: 'just-gone-root', state: 'removed' }] }),
    ];
    const found = detectHostDrift(
      HOST,
      { domains: xlList([['new', 1, '---s--'], ['bye', 2, '-b----'], ['just-gone', 4, '---s--']]), volumes: ['new-root', 'bye-root', 'busy-data', 'just-gone-root'].map(lv) },
      servers,
    );
    // busy is running in carve and absent from xl list, but a job is on it (e.g. a stop or a reboot).
    expect(found).toEqual([]);
  });

  it('treats leftovers of deleted and failed servers, and removed disks, as unowned once nothing is in flux', () => {
    const servers = [
      server({ domainName: 'old', state: 'deleted', disks: [{ id: 'a', volumeName: 'old-root', state: 'removed' }] }),
      server({ domainName: 'broken', state: 'failed', disks: [{ id: 'b', volumeName: 'broken-root', state: 'pending' }] }),
      server({ domainName: 'web', state: 'stopped', disks: [{ id: 'c', volumeName: 'web-root', state: 'present' }, { id: 'd', volumeName: 'web-old', state: 'removed' }] }),
    ];
    const found = detectHostDrift(HOST, { domains: xlList([['old', 1, '-b----'], ['broken', 2, '---s--']]), volumes: ['old-root', 'broken-root', 'web-root', 'web-old'].map(lv) }, servers);
    expect(kinds(found)).toEqual(['orphan_volume:broken-root', 'orphan_volume:old-root', 'orphan_volume:web-old', 'unknown_domain:broken', 'unknown_domain:old']);
  });
});

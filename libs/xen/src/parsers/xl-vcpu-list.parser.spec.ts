import { describe, expect, it } from '@jest/globals';
import { parseError } from './expect-parse-error';
import { fixture } from './fixture';
import { parseXlVcpuList } from './xl-vcpu-list.parser';

describe('parseXlVcpuList', () => {
  it('reads online, offline and pinned vCPUs', () => {
    const vcpus = parseXlVcpuList(fixture('xl-vcpu-list.txt'));
    expect(vcpus).toHaveLength(6);
    expect(vcpus[3]).toEqual({ name: 'web1', domid: 3, vcpu: 1, cpu: 7, running: false, blocked: true, paused: false, cpuTimeSeconds: 5202.8, hardAffinity: 'all', softAffinity: 'all' });
    expect(vcpus[4]).toMatchObject({ cpu: null, paused: true });
    expect(vcpus[5]).toMatchObject({ name: 'pinned.db', hardAffinity: '2-3', softAffinity: '0-7' });
  });

  it('gives the typed error naming the line', () => {
    expect(parseError(parseXlVcpuList, fixture('xl-vcpu-list.txt').replace('   r--   ', '   x--   '))).toMatchObject({ parser: 'xl vcpu-list', lineNumber: 2 });
    expect(parseError(parseXlVcpuList, 'nope\n').lineNumber).toBe(1);
  });
});

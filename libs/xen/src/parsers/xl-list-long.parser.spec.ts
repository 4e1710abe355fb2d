import { describe, expect, it } from '@jest/globals';
import { parseError } from './expect-parse-error';
import { fixture } from './fixture';
import { parseXlListLong } from './xl-list-long.parser';

describe('parseXlListLong', () => {
  const expected = [
    {
      domid: 3,
      name: 'web1',
      type: 'pvh',
      uuid: '5c3b6c8e-4b1a-4c8e-9f6d-2a1b3c4d5e6f',
      maxMemKiB: 4194304,
      targetMemKiB: 2097152,
      maxVcpus: 4,
      availVcpus: [0, 1],
      sched: { scheduler: 'credit2', weight: 256, cap: undefined },
      disks: [
        { pdevPath: '/dev/vg0/web1-root', vdev: 'xvda', backend: 'phy', format: 'raw', readWrite: true },
        { pdevPath: '/dev/vg0/web1-swap', vdev: 'xvdc', backend: undefined, format: 'raw', readWrite: true },
      ],
      nics: [{ devid: 0, mac: '00:16:3e:5a:01:02', bridge: 'xenbr0', rateBytesPerInterval: 62500, rateIntervalUsecs: 50000 }],
    },
    { domid: 7, name: 'db.1_x-y', type: 'pv', uuid: undefined, maxMemKiB: 1048576, targetMemKiB: 1048576, maxVcpus: undefined, availVcpus: undefined, sched: undefined, disks: [], nics: [] },
  ];

  it('reads Xen 4.17 (4-space) and json-c (2-space) styles the same, tolerating missing defaults', () => {
    expect(parseXlListLong(fixture('xl-list-long.xen417.json'))).toEqual(expected);
    expect(parseXlListLong(fixture('xl-list-long.jsonc-2space.json'))).toEqual(expected);
  });

  it('reads an empty host and tolerates stray libxl lines', () => {
    expect(parseXlListLong('')).toEqual([]);
    expect(parseXlListLong('[\n]\n')).toEqual([]);
    expect(parseXlListLong('libxl: warning: something\n' + fixture('xl-list-long.xen417.json'))).toHaveLength(2);
  });

  it('gives the typed error naming the line', () => {
    const broken = fixture('xl-list-long.xen417.json').replace('"max_vcpus": 4,', '"max_vcpus": 4,,');
    const error = parseError(parseXlListLong, broken);
    expect(error.parser).toBe('xl list -l');
    expect(error.line).toContain('max_vcpus');
    expect(parseError(parseXlListLong, '{"domid": 1}').reason).toMatch(/array/);
    expect(parseError(parseXlListLong, '[\n    {\n        "domid": 5,\n        "config": {}\n    }\n]').lineNumber).toBe(3);
    expect(parseError(parseXlListLong, '[{"domid": 5, "config": {"c_info": {"name": 7}}}]').reason).toMatch(/name is not a string/);
  });

  it('reads how a domain booted: direct kernel boot in b_info, a bootloader in "type.pv"', () => {
    const text = JSON.stringify([
      { domid: 9, config: { c_info: { type: 'pv', name: 'web1' }, b_info: { kernel: '/var/lib/carve/rescue/vmlinuz', ramdisk: '/var/lib/carve/rescue/initrd.img', cmdline: 'console=hvc0 ip=dhcp', 'type.pv': {} } } },
      { domid: 10, config: { c_info: { type: 'pv', name: 'db1' }, b_info: { 'type.pv': { bootloader: 'pygrub' } } } },
    ], null, 4);
    expect(parseXlListLong(text).map(({ name, kernel, ramdisk, cmdline, bootloader }) => ({ name, kernel, ramdisk, cmdline, bootloader }))).toEqual([
      { name: 'web1', kernel: '/var/lib/carve/rescue/vmlinuz', ramdisk: '/var/lib/carve/rescue/initrd.img', cmdline: 'console=hvc0 ip=dhcp', bootloader: undefined },
      { name: 'db1', kernel: undefined, ramdisk: undefined, cmdline: undefined, bootloader: 'pygrub' },
    ]);
  });
});

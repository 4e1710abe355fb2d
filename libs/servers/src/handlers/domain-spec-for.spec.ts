import { describe, expect, it } from '@jest/globals';
import { renderDomainConfig, parseDomainConfig, validateDomainSpec } from '@carve/xen';
import { ServerDisk } from '../server-disk.entity';
import { Server } from '../server.entity';
import { configDisks, domainSpecFor, macFor } from './domain-spec-for';

const server = Object.assign(new Server(), {
  id: '3f2b8c4e-1d7a-4c55-9a0e-6b1f2d3c4e5f',
  domainName: 'web1-3f2b8c4e',
  memoryMiB: 2048,
  maxMemoryMiB: 4096,
  vcpus: 2,
  maxVcpus: 4,
  cpuCapPercent: 0,
  cpuWeight: 256,
  networkRateMbit: null,
});

function disk(id: string, label: string, position: number, state: ServerDisk['state']): ServerDisk {
  return Object.assign(new ServerDisk(), { id, label, position, state, volumeName: `web1-3f2b8c4e-${label}`, role: 'data', filesystem: 'ext4', sizeGiB: 1 });
}

describe('domainSpecFor', () => {
  it('writes a PVH pygrub domain with disks at the vdev of their position and a stable Xen MAC', () => {
    const spec = domainSpecFor(server, [disk('b', 'data', 2, 'present'), disk('a', 'root', 0, 'present')], 'vg0');
    expect(spec).toMatchObject({
      name: 'web1-3f2b8c4e',
      type: 'pvh',
      memoryMiB: 2048,
      maxMemoryMiB: 4096,
      vcpus: 2,
      maxVcpus: 4,
      boot: { bootloader: 'pygrub' },
      disks: [
        { target: '/dev/vg0/web1-3f2b8c4e-root', vdev: 'xvda', access: 'w' },
        { target: '/dev/vg0/web1-3f2b8c4e-data', vdev: 'xvdc', access: 'w' },
      ],
      vifs: [{ mac: macFor(server.id), bridge: 'xenbr0' }],
    });
    expect(validateDomainSpec(spec)).toBe(spec);
    expect(parseDomainConfig(renderDomainConfig(spec))).toEqual(spec);
  });

  it("writes the server's limits: credit2 cap and weight, and the vif rate (none when unlimited)", () => {
    const limited = Object.assign(new Server(), server, { cpuCapPercent: 150, cpuWeight: 1024, networkRateMbit: 100 });
    const spec = domainSpecFor(limited, [disk('a', 'root', 0, 'present')], 'vg0');
    expect(spec).toMatchObject({ capPercent: 150, cpuWeight: 1024, vifs: [{ mac: macFor(server.id), bridge: 'xenbr0', rateMbitPerSec: 100 }] });
    expect(renderDomainConfig(spec)).toContain(`'mac=${macFor(server.id)},bridge=xenbr0,rate=100Mb/s'`);
    expect(domainSpecFor(server, [disk('a', 'root', 0, 'present')], 'vg0').vifs[0]).not.toHaveProperty('rateMbitPerSec');
  });

  it('derives the MAC from the server id alone, inside the Xen OUI with the fourth octet below 0x80', () => {
    expect(macFor(server.id)).toBe(macFor(server.id));
    expect(macFor(server.id)).not.toBe(macFor('5c0ffee0-0000-4000-8000-000000000000'));
    for (const id of [server.id, '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff']) {
      const mac = macFor(id);
      expect(mac).toMatch(/^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/);
    }
  });

  it('puts built and still-removing disks in the config, pending ones only when the job builds them, never excluded or removed ones', () => {
    const disks = [disk('r', 'root', 0, 'present'), disk('n', 'new', 3, 'pending'), disk('x', 'old', 1, 'removing'), disk('g', 'gone', 2, 'removed')];
    expect(configDisks(disks).map((d) => d.id)).toEqual(['r', 'x']);
    expect(configDisks(disks, { including: ['n'] }).map((d) => d.id)).toEqual(['r', 'x', 'n']);
    expect(configDisks(disks, { excluding: ['x'] }).map((d) => d.id)).toEqual(['r']);
  });
});

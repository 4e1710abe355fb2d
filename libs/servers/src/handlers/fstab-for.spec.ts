import { describe, expect, it } from '@jest/globals';
import { ServerDisk } from '../server-disk.entity';
import { fstabFor } from './fstab-for';
import { hostnameFor } from './hostname-for';

function disk(label: string, role: ServerDisk['role'], filesystem: ServerDisk['filesystem'], position: number): ServerDisk {
  return Object.assign(new ServerDisk(), { label, role, filesystem, position });
}

describe('fstabFor', () => {
  it('mounts the active root on /, the standby root noauto, data disks under /srv/<label>, swap as swap', () => {
    const fstab = fstabFor([disk('swap', 'swap', 'swap', 4), disk('root', 'root', 'ext4', 0), disk('data', 'data', 'xfs', 2), disk('rescue', 'root', 'ext3', 1), disk('logs', 'data', 'ext3', 3)]);
    expect(fstab.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual([
      '/dev/xvda\t/\text4\terrors=remount-ro\t0\t1',
      '/dev/xvdb\t/mnt/rescue\text3\tnoauto,nofail\t0\t0',
      '/dev/xvdc\t/srv/data\txfs\tdefaults,nofail\t0\t0',
      '/dev/xvdd\t/srv/logs\text3\tdefaults,nofail\t0\t2',
      '/dev/xvde\tnone\tswap\tsw\t0\t0',
    ]);
    expect(fstab.endsWith('\n')).toBe(true);
  });

  it('does not fsck an xfs or btrfs root at boot', () => {
    expect(fstabFor([disk('root', 'root', 'xfs', 0)])).toContain('/dev/xvda\t/\txfs\tdefaults\t0\t0');
  });
});

describe('hostnameFor', () => {
  it('makes one lower-case RFC 1123 label of the server name', () => {
    expect(hostnameFor({ name: 'web1', id: 'x' })).toBe('web1');
    expect(hostnameFor({ name: 'Web_Server.1', id: 'x' })).toBe('web-server-1');
    expect(hostnameFor({ name: `${'a'.repeat(62)}_b`, id: 'x' })).toBe('a'.repeat(62));
    expect(hostnameFor({ name: '__', id: '3f2b8c4e-1d7a-4c55-9a0e-6b1f2d3c4e5f' })).toBe('server-3f2b8c4e');
  });
});

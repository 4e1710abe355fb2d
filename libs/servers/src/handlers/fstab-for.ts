import type { ServerDisk } from '../server-disk.entity';
import { vdevFor } from '../server-naming';

/** Where a data disk is mounted inside the guest. */
export function mountPointFor(disk: Pick<ServerDisk, 'label'>): string {
  return `/srv/${disk.label}`;
}

function line(device: string, mountPoint: string, type: string, options: string, pass: number): string {
  return `${device}\t${mountPoint}\t${type}\t${options}\t0\t${pass}`;
}

/**
 * The guest's /etc/fstab, written onto both roots at install. Devices are named by vdev,
 * not UUID, so the same file is right on whichever root boots: a root switch swaps the
 * two roots between xvda and xvdb and leaves every other disk where it is. The other
 * root is listed `noauto` under /mnt, for recovery; data disks mount under /srv/<label>.
 * ext filesystems are checked at boot (pass 1 for /, 2 for the rest); xfs and btrfs have
 * no boot-time fsck to run.
 */
export function fstabFor(disks: readonly ServerDisk[]): string {
  const ordered = [...disks].sort((a, b) => a.position - b.position);
  const lines = ordered.map((disk) => {
    const device = `/dev/${vdevFor(disk.position)}`;
    const ext = disk.filesystem === 'ext3' || disk.filesystem === 'ext4';
    if (disk.filesystem === 'swap') return line(device, 'none', 'swap', 'sw', 0);
    if (disk.role === 'root' && disk.position === 0) return line(device, '/', disk.filesystem, ext ? 'errors=remount-ro' : 'defaults', ext ? 1 : 0);
    if (disk.role === 'root') return line(device, `/mnt/${disk.label}`, disk.filesystem, 'noauto,nofail', 0);
    return line(device, mountPointFor(disk), disk.filesystem, 'defaults,nofail', ext ? 2 : 0);
  });
  return ['# written by carve at install; disks added later are not listed here', ...lines, ''].join('\n');
}

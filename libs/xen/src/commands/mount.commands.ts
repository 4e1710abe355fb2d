import { validateAbsolutePath } from '../shell/argument-validators';
import { buildCommand } from './build-command';
import { Dom0Command } from './dom0-command';

// Mounting happens on the Dom0 only for filesystems no domain has open: to
// install an image before the first boot, or to grow xfs/btrfs offline.

/** `mkdir -p`: succeeds when the directory is already there. */
export function makeDirectoryCommand(path: string): Dom0Command {
  const dir = validateAbsolutePath(path, 'path');
  return buildCommand(['mkdir', '-p', dir], `create directory ${dir}`);
}

export function mountCommand(device: string, mountPoint: string): Dom0Command {
  const dev = validateAbsolutePath(device, 'device');
  const dir = validateAbsolutePath(mountPoint, 'mountPoint');
  return buildCommand(['mount', dev, dir], `mount ${dev} on ${dir}`);
}

export function umountCommand(mountPoint: string): Dom0Command {
  const dir = validateAbsolutePath(mountPoint, 'mountPoint');
  return buildCommand(['umount', dir], `unmount ${dir}`);
}

/** `mountpoint -q DIR`: exit 0 when something is mounted there, 32 when not, 1 when DIR is missing. */
export function mountpointCommand(path: string): Dom0Command {
  const dir = validateAbsolutePath(path, 'path');
  return buildCommand(['mountpoint', '-q', dir], `check whether ${dir} is a mount point`);
}

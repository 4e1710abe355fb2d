import { XenArgumentError } from '../errors/xen-argument.error';
import { validateAbsolutePath, validatePositiveInteger } from '../shell/argument-validators';
import { buildCommand } from './build-command';
import { asVerb, Dom0Command } from './dom0-command';

export type FilesystemType = 'ext3' | 'ext4' | 'xfs' | 'btrfs' | 'swap';
export const FILESYSTEM_TYPES: readonly FilesystemType[] = ['ext3', 'ext4', 'xfs', 'btrfs', 'swap'];

/** ext3/ext4 fix their inode count at mkfs time: a count (`-N`) or a ratio (`-i`). */
export type InodeOption = { readonly count: number } | { readonly bytesPerInode: number };

export interface MakeFilesystemOptions {
  readonly device: string;
  readonly type: FilesystemType;
  readonly inodes?: InodeOption;
}

export function makeFilesystemCommand(options: MakeFilesystemOptions): Dom0Command {
  return asVerb('fs.make', { ...options }, makeFilesystemArgv(options));
}

function makeFilesystemArgv(options: MakeFilesystemOptions): Dom0Command {
  const device = validateAbsolutePath(options.device, 'device');
  const description = `make ${options.type} on ${device}`;
  if (options.type === 'ext3' || options.type === 'ext4') {
    const inodes =
      options.inodes === undefined
        ? []
        : 'count' in options.inodes
          ? ['-N', String(validatePositiveInteger(options.inodes.count, 'inodes.count'))]
          : ['-i', String(validatePositiveInteger(options.inodes.bytesPerInode, 'inodes.bytesPerInode'))];
    // -F: the LV is not a partition, so mke2fs would ask "Proceed anyway?"; -q: no progress noise.
    return buildCommand([`mkfs.${options.type}`, '-F', '-q', ...inodes, device], description);
  }
  if (!FILESYSTEM_TYPES.includes(options.type)) throw new XenArgumentError('type', `must be one of ${FILESYSTEM_TYPES.join(', ')}`, options.type);
  if (options.inodes !== undefined) {
    // xfs and btrfs allocate inodes dynamically and swap has none: a count would be silently meaningless.
    throw new XenArgumentError('inodes', `an inode count does not apply to ${options.type}`, options.inodes);
  }
  if (options.type === 'xfs') return buildCommand(['mkfs.xfs', '-f', device], description);
  if (options.type === 'btrfs') return buildCommand(['mkfs.btrfs', '-f', device], description);
  return buildCommand(['mkswap', device], description);
}

export type GrowFilesystemOptions =
  | { readonly type: 'ext3' | 'ext4'; readonly device: string }
  /** xfs_growfs and btrfs resize work on a mounted filesystem only. */
  | { readonly type: 'xfs' | 'btrfs'; readonly mountPoint: string };

/** Grow a filesystem to fill its (already extended) device. */
export function growFilesystemCommand(options: GrowFilesystemOptions): Dom0Command {
  if (options.type === 'ext3' || options.type === 'ext4') {
    const device = validateAbsolutePath(options.device, 'device');
    return buildCommand(['resize2fs', device], `grow ${options.type} on ${device} to fill its device`);
  }
  if (options.type === 'xfs' || options.type === 'btrfs') {
    const mountPoint = validateAbsolutePath(options.mountPoint, 'mountPoint');
    return options.type === 'xfs'
      ? buildCommand(['xfs_growfs', mountPoint], `grow xfs mounted at ${mountPoint}`)
      : buildCommand(['btrfs', 'filesystem', 'resize', 'max', mountPoint], `grow btrfs mounted at ${mountPoint}`);
  }
  throw new XenArgumentError('type', 'only ext3, ext4, xfs and btrfs can be grown in place', (options as { type: unknown }).type);
}

/**
 * `e2fsck -f -y DEV`: the forced check resize2fs demands before growing an
 * unmounted ext3/ext4 that was mounted since its last check. Exit 1 means
 * errors were corrected, which is still a success for the caller.
 */
export function checkFilesystemCommand(device: string): Dom0Command {
  const dev = validateAbsolutePath(device, 'device');
  return buildCommand(['e2fsck', '-f', '-y', dev], `check the filesystem on ${dev}`);
}

/**
 * `blkid -o value -s TYPE DEV`: the filesystem signature on a device (`ext4`,
 * `xfs`, `btrfs`, `swap`, ...); exit 2 with no output when there is none.
 */
export function filesystemTypeCommand(device: string): Dom0Command {
  const dev = validateAbsolutePath(device, 'device');
  return asVerb('fs.type', { device }, buildCommand(['blkid', '-o', 'value', '-s', 'TYPE', dev], `read the filesystem type on ${dev}`));
}

import { randomUUID } from 'node:crypto';
import { fail, ok, type CommandResult } from '../command-result';
import type { CommandInput } from '../sim-runtime';
import type { FsType, SimFilesystem, SimHostState, SimLogicalVolume } from '../state/host-state';
import { isDirectory, lvForDevice, mapperPath, normalizePath } from '../state/vfs';

const E2FS_BANNER = 'mke2fs 1.47.0 (5-Feb-2023)\n';
const BLOCK = 4096;

function newFs(type: FsType, lv: SimLogicalVolume, options: string[], inodeCount?: number): SimFilesystem {
  return { type, uuid: randomUUID(), sizeBytes: lv.sizeBytes, options, ...(inodeCount !== undefined ? { inodeCount } : {}), files: {}, dirs: [] };
}

const mountOf = (state: SimHostState, lv: SimLogicalVolume) => state.mounts.find((m) => m.lv === lv.name);

/** `mkfs.ext3|mkfs.ext4 [-F] [-q] [-N inodes | -i bytes-per-inode] DEV` */
export function mkfsExt(type: 'ext3' | 'ext4') {
  return (input: CommandInput): CommandResult => {
    const { state } = input.runtime;
    let quiet = false;
    let inodes: number | undefined;
    let bytesPerInode: number | undefined;
    const positional: string[] = [];
    for (let i = 0; i < input.args.length; i += 1) {
      const a = input.args[i];
      if (a === '-q') quiet = true;
      else if (a === '-F' || a === '-FF') continue;
      else if (a === '-N' || a === '-i') {
        const v = input.args[++i];
        if (v === undefined || !/^\d+$/.test(v) || Number(v) === 0) return fail(`${E2FS_BANNER}mke2fs: invalid ${a === '-N' ? 'inodes count' : 'inode ratio'} - ${v ?? ''}\n`);
        if (a === '-N') inodes = Number(v);
        else bytesPerInode = Number(v);
      } else if (a === '-t' || a === '-L' || a === '-m' || a === '-E' || a === '-O') i += 1;
      else positional.push(a);
    }
    const dev = positional[0];
    if (dev === undefined) return fail(`Usage: mkfs.${type} [-c|-l filename] [-b block-size] [-N number-of-inodes] device [blocks-count]\n`);
    const lv = lvForDevice(state, dev);
    if (!lv) return fail(`${E2FS_BANNER}The file ${dev} does not exist and no size was specified.\n`);
    if (mountOf(state, lv)) return fail(`${E2FS_BANNER}${dev} is mounted; will not make a filesystem here!\n`);
    if (bytesPerInode !== undefined && (bytesPerInode < 1024 || bytesPerInode > 67108864)) return fail(`${E2FS_BANNER}mke2fs: invalid inode ratio ${bytesPerInode} (min 1024/max 67108864)\n`);
    const blocks = Math.floor(lv.sizeBytes / BLOCK);
    // mke2fs rounds the count up to fill whole block groups (8192 inodes max per 32768-block group).
    const groups = Math.max(1, Math.ceil(blocks / 32768));
    const requested = inodes ?? Math.floor(lv.sizeBytes / (bytesPerInode ?? 16384));
    const perGroup = Math.min(32768, Math.ceil(requested / groups / 16) * 16);
    const inodeCount = perGroup * groups;
    lv.filesystem = newFs(type, lv, input.args.filter((a) => a !== dev), inodeCount);
    if (quiet) return ok();
    const stdout =
      `Creating filesystem with ${blocks} 4k blocks and ${inodeCount} inodes\n` +
      `Filesystem UUID: ${lv.filesystem.uuid}\n` +
      'Allocating group tables: done                            \n' +
      'Writing inode tables: done                            \n' +
      (type === 'ext4' || type === 'ext3' ? `Creating journal (${Math.min(262144, Math.max(1024, Math.floor(blocks / 64)))} blocks): done\n` : '') +
      'Writing superblocks and filesystem accounting information: done\n\n';
    return ok(stdout, E2FS_BANNER);
  };
}

function existingFsRefusal(tool: 'xfs' | 'btrfs', dev: string, fs: SimFilesystem): CommandResult {
  if (tool === 'xfs') return fail(`mkfs.xfs: ${dev} appears to contain an existing filesystem (${fs.type}).\nmkfs.xfs: Use the -f option to force overwrite.\n`);
  return fail(`ERROR: ${dev} appears to contain an existing filesystem (${fs.type})\nERROR: use the -f option to force overwrite of ${dev}\n`);
}

/** `mkfs.xfs [-f] DEV` and `mkfs.btrfs [-f] DEV`: inodes are dynamic, so no count is recorded. */
export function mkfsDynamic(type: 'xfs' | 'btrfs') {
  return (input: CommandInput): CommandResult => {
    const { state } = input.runtime;
    const force = input.args.includes('-f') || input.args.includes('--force');
    const positional = input.args.filter((a, i) => !a.startsWith('-') && !['-i', '-L', '-m', '-d'].includes(input.args[i - 1] ?? ''));
    const dev = positional[0];
    if (dev === undefined) return fail(type === 'xfs' ? 'No device name given in argument list\n' : 'ERROR: no device specified\n');
    const lv = lvForDevice(state, dev);
    if (!lv) return fail(type === 'xfs' ? `mkfs.xfs: cannot open ${dev}: No such file or directory\n` : `ERROR: cannot open ${dev}: No such file or directory\n`);
    if (mountOf(state, lv)) return fail(type === 'xfs' ? `mkfs.xfs: cannot open ${dev}: Device or resource busy\n` : `ERROR: ${dev} is mounted\n`);
    if (lv.filesystem && !force) return existingFsRefusal(type, dev, lv.filesystem);
    lv.filesystem = newFs(type, lv, input.args.filter((a) => a !== dev));
    if (type === 'xfs') {
      const blocks = Math.floor(lv.sizeBytes / BLOCK);
      return ok(`meta-data=${dev}${' '.repeat(Math.max(1, 23 - dev.length))}isize=512    agcount=4, agsize=${Math.floor(blocks / 4)} blks\ndata     =                       bsize=4096   blocks=${blocks}, imaxpct=25\n`);
    }
    return ok(`btrfs-progs v6.2\nSee http://btrfs.wiki.kernel.org for more information.\n\nLabel:              (null)\nUUID:               ${lv.filesystem.uuid}\nFilesystem size:    ${(lv.sizeBytes / 1024 ** 3).toFixed(2)}GiB\n`);
  };
}

export function mkswap(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const dev = input.args.filter((a) => !a.startsWith('-'))[0];
  if (dev === undefined) return fail('mkswap: no device specified\n');
  const lv = lvForDevice(state, dev);
  if (!lv) return fail(`mkswap: cannot open ${dev}: No such file or directory\n`);
  lv.filesystem = newFs('swap', lv, input.args.filter((a) => a !== dev));
  const size = lv.sizeBytes - 4096;
  return ok(`Setting up swapspace version 1, size = ${(size / 1024 ** 3).toFixed(0)} GiB (${size} bytes)\nno label, UUID=${lv.filesystem.uuid}\n`);
}

export function resize2fs(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const banner = 'resize2fs 1.47.0 (5-Feb-2023)\n';
  const dev = input.args.filter((a) => !a.startsWith('-'))[0];
  if (dev === undefined) return fail(`${banner}Usage: resize2fs [-d debug_flags] [-f] [-F] [-M] [-P] [-p] device [-b|-s|new_size] [-S RAID-stride] [-z undo_file]\n\n`);
  const lv = lvForDevice(state, dev);
  if (!lv) return fail(`${banner}open: No such file or directory while opening ${dev}\n`);
  const fs = lv.filesystem;
  if (!fs || (fs.type !== 'ext3' && fs.type !== 'ext4')) {
    return fail(`${banner}resize2fs: Bad magic number in super-block while trying to open ${dev}\nCouldn't find valid filesystem superblock.\n`);
  }
  const mount = mountOf(state, lv);
  if (!mount && fs.needsCheck && !input.args.includes('-f')) return fail(`${banner}Please run 'e2fsck -f ${dev}' first.\n\n`);
  const blocks = Math.floor(lv.sizeBytes / BLOCK);
  if (Math.floor(fs.sizeBytes / BLOCK) === blocks) return ok(`The filesystem is already ${blocks} (4k) blocks long.  Nothing to do!\n\n`, banner);
  fs.sizeBytes = blocks * BLOCK;
  const online = mount ? `Filesystem at ${dev} is mounted on ${mount.dir}; on-line resizing required\nold_desc_blocks = 1, new_desc_blocks = 1\n` : '';
  return ok(`${online}Resizing the filesystem on ${dev} to ${blocks} (4k) blocks.\nThe filesystem on ${dev} is now ${blocks} (4k) blocks long.\n\n`, banner);
}

function mountedLv(state: SimHostState, dir: string): SimLogicalVolume | undefined {
  const m = state.mounts.find((x) => x.dir === normalizePath(dir));
  return m ? state.vg.lvs.find((lv) => lv.name === m.lv) : undefined;
}

/** `xfs_growfs [-D blocks] MOUNTPOINT`: online only, and xfs never shrinks. */
export function xfsGrowfs(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  let target: number | undefined;
  const positional: string[] = [];
  for (let i = 0; i < input.args.length; i += 1) {
    if (input.args[i] === '-D') target = Number(input.args[++i]);
    else if (!input.args[i].startsWith('-')) positional.push(input.args[i]);
  }
  const dir = positional[0];
  if (dir === undefined) return fail('Usage: xfs_growfs [options] mountpoint\n');
  const lv = mountedLv(state, dir);
  if (!lv || lv.filesystem?.type !== 'xfs') return fail(`xfs_growfs: ${dir} is not a mounted XFS filesystem\n`);
  const fs = lv.filesystem;
  const old = Math.floor(fs.sizeBytes / BLOCK);
  const max = Math.floor(lv.sizeBytes / BLOCK);
  const wanted = target ?? max;
  if (!Number.isFinite(wanted) || wanted < old) return fail(`data size ${wanted} too small, old size is ${old}\n`);
  if (wanted > max) return fail(`data size ${wanted} too large, maximum is ${max}\n`);
  fs.sizeBytes = wanted * BLOCK;
  return ok(`meta-data=${mapperPath(state, lv)} isize=512    agcount=4, agsize=${Math.floor(old / 4)} blks\ndata blocks changed from ${old} to ${wanted}\n`);
}

/** `btrfs filesystem resize max MOUNTPOINT` */
export function btrfs(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const [group, verb, amount, dir] = input.args;
  if (!(group === 'filesystem' || group === 'fi') || verb !== 'resize' || amount === undefined || dir === undefined) {
    return fail('btrfs filesystem resize: not enough arguments\nusage: btrfs filesystem resize [options] [devid:][+/-]<newsize>[kKmMgGtTpPeE]|[devid:]max <path>\n', 1);
  }
  const lv = mountedLv(state, dir);
  if (!lv || lv.filesystem?.type !== 'btrfs') return fail(`ERROR: not a btrfs filesystem: ${dir}\n`);
  if (amount !== 'max') return fail(`ERROR: only 'max' is simulated, got ${amount}\n`);
  const before = lv.filesystem.sizeBytes;
  lv.filesystem.sizeBytes = lv.sizeBytes;
  return ok(`Resize device id 1 (${mapperPath(state, lv)}) from ${(before / 1024 ** 3).toFixed(2)}GiB to max\n`);
}

export function mount(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const positional = input.args.filter((a) => !a.startsWith('-'));
  if (positional.length === 0) {
    return ok(
      state.mounts
        .map((m) => {
          const lv = state.vg.lvs.find((x) => x.name === m.lv);
          return lv ? `${mapperPath(state, lv)} on ${m.dir} type ${lv.filesystem?.type ?? 'ext4'} (rw,relatime)\n` : '';
        })
        .join(''),
    );
  }
  const [dev, dirArg] = positional;
  if (dirArg === undefined) return fail(`mount: ${dev}: can't find in /etc/fstab.\n`, 1);
  const dir = normalizePath(dirArg);
  const lv = lvForDevice(state, dev);
  if (!lv) return fail(`mount: ${dir}: special device ${dev} does not exist.\n`, 32);
  if (!isDirectory(state, dir)) return fail(`mount: ${dir}: mount point does not exist.\n`, 32);
  const existing = mountOf(state, lv);
  if (existing) return fail(`mount: ${dir}: ${mapperPath(state, lv)} already mounted on ${existing.dir}.\n`, 32);
  if (!lv.filesystem || lv.filesystem.type === 'swap') {
    return fail(`mount: ${dir}: wrong fs type, bad option, bad superblock on ${mapperPath(state, lv)}, missing codepage or helper program, or other error.\n       dmesg(1) may have more information after failed mount system call.\n`, 32);
  }
  state.mounts.push({ lv: lv.name, dir });
  return ok();
}

export function umount(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const target = input.args.filter((a) => !a.startsWith('-'))[0];
  if (target === undefined) return fail('Usage:\n umount [-hV]\n umount -a [options]\n umount [options] <source> | <directory>\n', 1);
  const lv = lvForDevice(state, target);
  const dir = normalizePath(target);
  const index = state.mounts.findIndex((m) => m.dir === dir || (lv !== undefined && m.lv === lv.name));
  if (index < 0) return fail(`umount: ${target}: not mounted.\n`, 32);
  const [removed] = state.mounts.splice(index, 1);
  const fs = state.vg.lvs.find((x) => x.name === removed.lv)?.filesystem;
  if (fs) fs.needsCheck = true;
  return ok();
}

/** `e2fsck -f [-y|-p] DEV`: the full check offline resize2fs wants; refuses a mounted filesystem. */
export function e2fsck(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const banner = 'e2fsck 1.47.0 (5-Feb-2023)\n';
  const dev = input.args.filter((a) => !a.startsWith('-'))[0];
  if (dev === undefined) return fail('Usage: e2fsck [-panyrcdfktvDFV] [-b superblock] [-B blocksize]\n\t\t[-l|-L bad_blocks_file] [-C fd] [-j external_journal]\n\t\t[-E extended-options] [-z undo_file] device\n', 16);
  const lv = lvForDevice(state, dev);
  if (!lv) return fail(`${banner}e2fsck: No such file or directory while trying to open ${dev}\nPossibly non-existent device?\n`, 8);
  const fs = lv.filesystem;
  if (!fs || (fs.type !== 'ext3' && fs.type !== 'ext4')) {
    return fail(`${banner}ext2fs_open2: Bad magic number in super-block\ne2fsck: Superblock invalid, trying backup blocks....\ne2fsck: Bad magic number in super-block while trying to open ${dev}\n`, 8);
  }
  if (mountOf(state, lv)) return fail(`${banner}${dev} is mounted.\ne2fsck: Cannot continue, aborting.\n\n\n`, 8);
  delete fs.needsCheck;
  const blocks = Math.floor(fs.sizeBytes / BLOCK);
  const files = Object.keys(fs.files).length + fs.dirs.length + 11;
  return ok(
    'Pass 1: Checking inodes, blocks, and sizes\nPass 2: Checking directory structure\nPass 3: Checking directory connectivity\nPass 4: Checking reference counts\nPass 5: Checking group summary information\n' +
      `${dev}: ${files}/${fs.inodeCount ?? 0} files (0.0% non-contiguous), ${Math.min(blocks, 4096 + files)}/${blocks} blocks\n`,
    banner,
  );
}

/** `mountpoint [-q] DIR`: 0 when DIR is a mount point, 32 when not (util-linux). */
export function mountpoint(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const quiet = input.args.includes('-q') || input.args.includes('--quiet');
  const target = input.args.filter((a) => !a.startsWith('-'))[0];
  if (target === undefined) return fail('mountpoint: bad usage\nTry \'mountpoint --help\' for more information.\n', 1);
  const dir = normalizePath(target);
  if (state.mounts.some((m) => m.dir === dir)) return ok(quiet ? '' : `${target} is a mountpoint\n`);
  if (!isDirectory(state, dir)) return fail(`mountpoint: ${target}: No such file or directory\n`, 1);
  return fail('', 32, quiet ? '' : `${target} is not a mountpoint\n`);
}

/** `blkid -o value -s TYPE DEV`: the filesystem type alone; exit 2 when the device holds none. */
export function blkid(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const dev = input.args.filter((a, i) => !a.startsWith('-') && !['-o', '-s', '-t'].includes(input.args[i - 1] ?? ''))[0];
  if (dev === undefined) return fail('', 2);
  const fs = lvForDevice(state, dev)?.filesystem;
  if (!fs) return fail('', 2);
  const valueOnly = input.args.join(' ').includes('-o value');
  return ok(valueOnly ? `${fs.type}\n` : `${dev}: UUID="${fs.uuid}" TYPE="${fs.type}"\n`);
}

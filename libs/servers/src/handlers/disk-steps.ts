import { JobContext } from '@carve/jobs';
import type { ServerDisk } from '../server-disk.entity';

/** Steps on one disk's LV, shared by the create, add-disk, remove-disk and delete jobs. Each checks the host first. */
export function createVolumeStep(ctx: JobContext, disk: ServerDisk): Promise<void> {
  return ctx.step(`create volume ${disk.volumeName}`, async (report) => {
    const { created } = await ctx.dom0.createVolume(disk.volumeName, disk.sizeGiB);
    report.note(created ? `created ${disk.sizeGiB} GiB` : `already present with ${disk.sizeGiB} GiB`);
  });
}

/** mkfs with the disk's inode options; an existing filesystem of the same type is kept (making it again would wipe it). */
export function makeFilesystemStep(ctx: JobContext, disk: ServerDisk): Promise<void> {
  return ctx.step(`make filesystem on ${disk.volumeName}`, async (report) => {
    const options = disk.inodes !== null ? { inodes: disk.inodes } : disk.bytesPerInode !== null ? { bytesPerInode: disk.bytesPerInode } : {};
    const { made } = await ctx.dom0.makeFilesystem(ctx.dom0.volumeDevice(disk.volumeName), disk.filesystem, options);
    const detail = disk.inodes !== null ? ` with ${disk.inodes} inodes` : disk.bytesPerInode !== null ? ` with one inode per ${disk.bytesPerInode} bytes` : '';
    report.note(made ? `made ${disk.filesystem}${detail}` : `already holds ${disk.filesystem}; left as it is`);
  });
}

export function removeVolumeStep(ctx: JobContext, disk: ServerDisk, prefix = ''): Promise<void> {
  return ctx.step(`${prefix}remove volume ${disk.volumeName}`, async (report) => {
    const { removed } = await ctx.dom0.removeVolume(disk.volumeName);
    report.note(removed ? 'removed' : 'no such volume; nothing to remove');
  });
}

import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import type { ServerDisk } from '../server-disk.entity';
import { FailedActionUndo } from './failed-action-undo';
import { mountPointFor } from './fstab-for';
import { ServerJobSupport, vdevOf } from './server-job-support';

/** What the customer runs inside a running guest to use the grown volume. */
export function guestGrowCommand(disk: ServerDisk): string {
  const device = `/dev/${vdevOf(disk)}`;
  const mountPoint = disk.role === 'root' && disk.position === 0 ? '/' : mountPointFor(disk);
  switch (disk.filesystem) {
    case 'ext3':
    case 'ext4':
      return `resize2fs ${device}`;
    case 'xfs':
      return `xfs_growfs ${mountPoint}`;
    case 'btrfs':
      return `btrfs filesystem resize max ${mountPoint}`;
    case 'swap':
      return `swapoff ${device} && mkswap ${device} && swapon ${device}`;
  }
}

/**
 * Grows the LV, then its filesystem: the Dom0 grows it offline when no domain has the
 * volume; a running guest is told the new size by blkback and must grow the filesystem
 * itself (the Dom0 never mounts what a guest has mounted), which the step's note says.
 */
@Injectable()
export class GrowDiskHandler implements JobHandler<JobType.GrowDisk> {
  readonly type = JobType.GrowDisk;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly undo: FailedActionUndo,
  ) {}

  async onFailed(ctx: JobContext<JobType.GrowDisk>): Promise<void> {
    await this.undo.grownDisk(ctx, ctx.params.diskId, ctx.params.previousSizeGiB);
  }

  async run(ctx: JobContext<JobType.GrowDisk>): Promise<void> {
    const loaded = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, loaded.server, ['running', 'stopped']))) return;
    const disk = this.support.disk(loaded, ctx.params.diskId);
    if (!disk || disk.state !== 'present') {
      await this.support.skip(ctx, `disk ${ctx.params.diskId} is ${disk?.state ?? 'gone'}; nothing grown`);
      return;
    }
    await ctx.step(`grow volume ${disk.volumeName}`, async (report) => {
      const result = await ctx.dom0.growVolume(disk.volumeName, ctx.params.sizeGiB, disk.filesystem);
      const lv = result.grown ? `volume grown to ${ctx.params.sizeGiB} GiB` : `volume already has ${ctx.params.sizeGiB} GiB`;
      if (result.filesystem === 'guest-must-grow') {
        report.note(`guest-must-grow: ${lv}; the running guest sees the new size and must grow its ${disk.filesystem} itself: run \`${guestGrowCommand(disk)}\` inside the server`);
      } else {
        report.note(`${lv}; ${disk.filesystem} grown to fill it`);
      }
    });
  }
}

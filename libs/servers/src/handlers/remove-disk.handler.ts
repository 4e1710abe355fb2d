import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { ServerReservations } from '../server-reservations';
import { removeVolumeStep } from './disk-steps';
import { FailedActionUndo } from './failed-action-undo';
import { ServerJobSupport, vdevOf } from './server-job-support';

/**
 * Removes a data or swap disk: detach from a running domain, drop it from the config,
 * remove the LV, give its GiB back to pool and host. The config is rewritten before the
 * LV goes, so a config on the host never names a volume that no longer exists.
 */
@Injectable()
export class RemoveDiskHandler implements JobHandler<JobType.RemoveDisk> {
  readonly type = JobType.RemoveDisk;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly reservations: ServerReservations,
    private readonly undo: FailedActionUndo,
  ) {}

  async onFailed(ctx: JobContext<JobType.RemoveDisk>): Promise<void> {
    await this.undo.removedDisk(ctx, ctx.params.diskId);
  }

  async run(ctx: JobContext<JobType.RemoveDisk>): Promise<void> {
    const loaded = await this.support.load(ctx);
    const { server, disks } = loaded;
    if (!(await this.support.applies(ctx, server, ['running', 'stopped']))) return;
    const disk = this.support.disk(loaded, ctx.params.diskId);
    if (!disk || disk.state !== 'removing') {
      await this.support.skip(ctx, `disk ${ctx.params.diskId} is ${disk?.state ?? 'already removed'}; nothing removed`);
      return;
    }
    const vdev = vdevOf(disk);
    await ctx.step(`detach disk ${vdev}`, async (report) => {
      const { detached } = await ctx.dom0.detachDisk(server.domainName, vdev);
      report.note(detached ? `detached /dev/${vdev} from the running domain` : 'not attached to a running domain');
    });
    await this.support.writeConfig(ctx, server, disks, { excluding: [disk.id] });
    await removeVolumeStep(ctx, disk);
    await ctx.step('mark disk removed', async (report) => {
      const note = await this.support.locked(ctx, async (manager, current) => {
        const row = current.disks.find((d) => d.id === disk.id);
        // disksOf leaves removed disks out: a row not found here was given back already.
        if (!row) return 'disk already removed';
        await this.reservations.adjust(manager, current.server, { memoryMiB: 0, vcpus: 0, diskGiB: -row.sizeGiB });
        row.state = 'removed';
        await this.support.saveDisk(row, manager);
        return `disk removed; ${row.sizeGiB} GiB back to the pool`;
      });
      report.note(note);
    });
  }
}

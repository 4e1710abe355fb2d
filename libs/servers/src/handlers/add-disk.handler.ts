import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { createVolumeStep, makeFilesystemStep } from './disk-steps';
import { FailedActionUndo } from './failed-action-undo';
import { mountPointFor } from './fstab-for';
import { ServerJobSupport, vdevOf } from './server-job-support';

/**
 * A new disk: LV, filesystem, config (so it is there at every later boot), then a hot
 * attach to a running domain. The guest's fstab is the customer's: the step note says
 * how to mount it.
 */
@Injectable()
export class AddDiskHandler implements JobHandler<JobType.AddDisk> {
  readonly type = JobType.AddDisk;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly undo: FailedActionUndo,
  ) {}

  async onFailed(ctx: JobContext<JobType.AddDisk>): Promise<void> {
    await this.undo.addedDisk(ctx, ctx.params.diskId);
  }

  async run(ctx: JobContext<JobType.AddDisk>): Promise<void> {
    const loaded = await this.support.load(ctx);
    const { server, disks } = loaded;
    if (!(await this.support.applies(ctx, server, ['running', 'stopped']))) return;
    const disk = this.support.disk(loaded, ctx.params.diskId);
    if (!disk || (disk.state !== 'pending' && disk.state !== 'present')) {
      await this.support.skip(ctx, `disk ${ctx.params.diskId} is ${disk?.state ?? 'gone'}; nothing added`);
      return;
    }
    await createVolumeStep(ctx, disk);
    await makeFilesystemStep(ctx, disk);
    await this.support.writeConfig(ctx, server, disks, { including: [disk.id] });
    const vdev = vdevOf(disk);
    await ctx.step(`attach disk ${vdev}`, async (report) => {
      if (server.state !== 'running' || !(await this.support.domainRunning(ctx, server))) {
        report.note('domain not running; the disk is in its config for the next start');
        return;
      }
      const { attached } = await ctx.dom0.attachDisk(server.domainName, { device: ctx.dom0.volumeDevice(disk.volumeName), vdev });
      const use = disk.filesystem === 'swap' ? `swapon /dev/${vdev}` : `mkdir -p ${mountPointFor(disk)} && mount /dev/${vdev} ${mountPointFor(disk)}`;
      report.note(`${attached ? 'attached' : 'already attached'} as /dev/${vdev}; inside the server: ${use} (and add it to /etc/fstab)`);
    });
    await ctx.step('mark disk present', async (report) => {
      const state = await this.support.locked(ctx, async (manager, current) => {
        const row = current.disks.find((d) => d.id === disk.id);
        if (!row || row.state !== 'pending') return row?.state ?? 'gone';
        row.state = 'present';
        await this.support.saveDisk(row, manager);
        return 'present';
      });
      report.note(state === 'present' ? 'disk present' : `disk is ${state}; left as it is`);
    });
  }
}

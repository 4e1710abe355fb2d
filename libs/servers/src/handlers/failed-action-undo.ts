import { Injectable } from '@nestjs/common';
import { JobContext } from '@carve/jobs';
import { ServerReservations } from '../server-reservations';
import { ServerJobSupport } from './server-job-support';

const GiB = 1024 ** 3;

/**
 * What a failed disk or size change leaves behind: a state the customer can act on again
 * (no disk stuck `pending` or `removing`), with pool and host counting what is really
 * on the host, as far as it can be read.
 */
@Injectable()
export class FailedActionUndo {
  constructor(
    private readonly support: ServerJobSupport,
    private readonly reservations: ServerReservations,
  ) {}

  /** An added disk that could not be finished: removed from the host if possible, else kept so it can be removed. */
  async addedDisk(ctx: JobContext, diskId: string): Promise<void> {
    const loaded = await this.support.load(ctx);
    const disk = this.support.disk(loaded, diskId);
    if (!disk || disk.state !== 'pending') return;
    let cleaned = false;
    await ctx.step('undo the added disk', async (report) => {
      try {
        await ctx.dom0.removeVolume(disk.volumeName);
        await this.support.writeConfig(ctx, loaded.server, loaded.disks, { excluding: [disk.id] });
        cleaned = true;
      } catch (error) {
        report.note(`could not clean the host (${(error as Error).message}); the disk is kept: remove it to retry`);
      }
    });
    await ctx.step('record the added disk', async (report) => {
      report.note(
        await this.support.locked(ctx, async (manager, current) => {
          const row = current.disks.find((d) => d.id === diskId);
          if (!row || row.state !== 'pending') return `disk is ${row?.state ?? 'gone'}; left as it is`;
          if (cleaned) {
            await this.reservations.adjust(manager, current.server, { memoryMiB: 0, vcpus: 0, diskGiB: -row.sizeGiB });
            row.state = 'removed';
          } else {
            row.state = 'present';
          }
          await this.support.saveDisk(row, manager);
          return cleaned ? `disk removed; ${row.sizeGiB} GiB back to the pool` : 'disk kept as present so it can be removed';
        }),
      );
    });
  }

  /** A grow that failed: the disk is recorded with the size its volume really has (the old size when it cannot be read). */
  async grownDisk(ctx: JobContext, diskId: string, previousSizeGiB: number): Promise<void> {
    const loaded = await this.support.load(ctx);
    const disk = this.support.disk(loaded, diskId);
    if (!disk) return;
    const actual = await ctx.dom0.volume(disk.volumeName).then(
      (lv) => (lv ? Math.floor(lv.sizeBytes / GiB) : previousSizeGiB),
      () => previousSizeGiB,
    );
    await ctx.step('record the size the volume has', async (report) => {
      report.note(
        await this.support.locked(ctx, async (manager, current) => {
          const row = current.disks.find((d) => d.id === diskId);
          if (!row || actual >= row.sizeGiB) return 'size as recorded';
          await this.reservations.adjust(manager, current.server, { memoryMiB: 0, vcpus: 0, diskGiB: actual - row.sizeGiB });
          row.sizeGiB = actual;
          await this.support.saveDisk(row, manager);
          return `disk recorded at ${actual} GiB; ask for the grow again`;
        }),
      );
    });
  }

  /** A remove that failed: the disk is present again, so the remove can be asked again. */
  async removedDisk(ctx: JobContext, diskId: string): Promise<void> {
    await ctx.step('keep the disk', async (report) => {
      report.note(
        await this.support.locked(ctx, async (manager, current) => {
          const row = current.disks.find((d) => d.id === diskId);
          if (!row || row.state !== 'removing') return `disk is ${row?.state ?? 'gone'}; left as it is`;
          row.state = 'present';
          await this.support.saveDisk(row, manager);
          return 'disk present again; ask for the removal again';
        }),
      );
    });
  }

  /** A live resize that failed: the new size is in the record (and reserved), so it applies at the next boot. */
  async resize(ctx: JobContext): Promise<void> {
    await ctx.step('apply at the next boot', async (report) => {
      report.note(
        await this.support.locked(ctx, async (manager, current) => {
          if (current.server.state !== 'running') return `server is ${current.server.state}; the new size applies when it starts`;
          current.server.pendingReboot = true;
          await this.support.saveServer(current.server, manager);
          return 'the new size applies at the next reboot (pending reboot)';
        }),
      );
    });
  }
}

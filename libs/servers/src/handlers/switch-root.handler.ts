import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { ServerJobSupport } from './server-job-support';

/**
 * Makes the standby root the one pygrub boots: the two roots swap disk positions (so the
 * chosen one becomes xvda) and the config is rewritten. The running domain keeps its
 * disks until its next boot, so a running server gets pendingReboot.
 */
@Injectable()
export class SwitchRootHandler implements JobHandler<JobType.SwitchRoot> {
  readonly type = JobType.SwitchRoot;

  constructor(private readonly support: ServerJobSupport) {}

  async run(ctx: JobContext<JobType.SwitchRoot>): Promise<void> {
    const loaded = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, loaded.server, ['running', 'stopped']))) return;
    const target = this.support.disk(loaded, ctx.params.rootDiskId);
    if (!target || target.role !== 'root') {
      await this.support.skip(ctx, `disk ${ctx.params.rootDiskId} is not a root of this server; nothing switched`);
      return;
    }
    await ctx.step('swap root disks', async (report) => {
      const note = await this.support.locked(ctx, async (manager, { server, disks }) => {
        const chosen = disks.find((d) => d.id === target.id)!;
        const booting = disks.filter((d) => d.role === 'root').sort((x, y) => x.position - y.position)[0]!;
        if (booting.id === chosen.id && server.activeRootDiskId === chosen.id) return `${chosen.label} is already the active root`;
        if (booting.id !== chosen.id) {
          [booting.position, chosen.position] = [chosen.position, booting.position];
          await this.support.saveDisk(booting, manager);
          await this.support.saveDisk(chosen, manager);
        }
        server.activeRootDiskId = chosen.id;
        if (server.state === 'running') server.pendingReboot = true;
        await this.support.saveServer(server, manager);
        return `${chosen.label} is the active root (xvda) from the next boot${server.state === 'running' ? ': reboot the server to use it' : ''}`;
      });
      report.note(note);
    });
    const fresh = await this.support.load(ctx);
    await this.support.writeConfig(ctx, fresh.server, fresh.disks);
  }
}

import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { isRescueBoot } from '../rescue/rescue-boot';
import { ServerJobSupport } from './server-job-support';

type Ctx = JobContext<JobType.ExitRescue>;

/**
 * Leaves the rescue system: the rescue domain is shut down (destroyed after the timeout),
 * the normal config is written from the database (the current root first, so pygrub boots
 * it) and booted, and the rescue config goes. Leaving always boots: a server in rescue was
 * wanted up.
 */
@Injectable()
export class ExitRescueHandler implements JobHandler<JobType.ExitRescue> {
  readonly type = JobType.ExitRescue;

  constructor(private readonly support: ServerJobSupport) {}

  async run(ctx: Ctx): Promise<void> {
    const { server, disks } = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, server, ['leaving_rescue']))) return;
    await ctx.step('shut down rescue domain', async (report) => {
      const detail = await ctx.dom0.domainDetail(server.domainName);
      if (!detail) {
        report.note('rescue domain was not running');
        return;
      }
      // A retry after the normal boot (the worker died before recording this step) must not stop the server again.
      if (!isRescueBoot(detail)) {
        report.note('the normal system is already running');
        return;
      }
      const { outcome } = await ctx.dom0.shutdownDomain(server.domainName, { timeoutMs: Math.max(1, ctx.params.timeoutSeconds) * 1000 });
      const { destroyed } = await ctx.dom0.destroyDomain(server.domainName);
      report.note(destroyed ? `${outcome}; then destroyed` : outcome);
    });
    await this.support.writeConfig(ctx, server, disks);
    await this.support.bootDomain(ctx, server);
    await ctx.step('remove rescue config', async (report) => {
      const { removed } = await ctx.dom0.removeDomainConfig(server.domainName, 'rescue');
      report.note(removed ? `removed /etc/xen/${server.domainName}.rescue.cfg` : 'no rescue config');
    });
    await ctx.step('mark running', async (report) => {
      const state = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state !== 'leaving_rescue') return current.server.state;
        current.server.state = 'running';
        // The config was just written from the database and booted: nothing waits for a reboot.
        current.server.pendingReboot = false;
        await this.support.saveServer(current.server, manager);
        return 'running';
      });
      report.note(state === 'running' ? 'server running its normal system' : `server is ${state}; left as it is`);
    });
  }

  /** Back to rescue, so the exit can be asked again (its steps check the host first); delete stays possible. */
  async onFailed(ctx: Ctx, error: { code: string; message: string }): Promise<void> {
    await ctx.step('return to rescue so the exit can be asked again', async (report) => {
      const note = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state !== 'leaving_rescue') return `server is ${current.server.state}; left as it is`;
        current.server.state = 'rescue';
        await this.support.saveServer(current.server, manager);
        return `exit failed (${error.code}: ${error.message}); server in rescue, ask for the exit again`;
      });
      report.note(note);
    });
  }
}

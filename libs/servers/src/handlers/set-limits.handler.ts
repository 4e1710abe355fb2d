import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { ServerJobSupport } from './server-job-support';

type Ctx = JobContext<JobType.SetServerLimits>;

/**
 * CPU cap and weight, and the vif rate. The server row already holds the limits (the
 * request set them), so the config is written from it: whatever boots the domain next
 * (start, a reboot that re-creates it, a move) boots with them. On a running domain the
 * cap and weight are set live with `xl sched-credit2`, and each vif's rate through its
 * xenstore backend node, which netback watches (Dom0Client.setVifRatesLive); a stopped
 * domain gets them at its next start.
 */
@Injectable()
export class SetLimitsHandler implements JobHandler<JobType.SetServerLimits> {
  readonly type = JobType.SetServerLimits;

  constructor(private readonly support: ServerJobSupport) {}

  async run(ctx: Ctx): Promise<void> {
    const { server, disks } = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, server, ['running', 'stopped']))) return;
    await this.support.writeConfig(ctx, server, disks);
    const running = server.state === 'running' && (await this.support.domainRunning(ctx, server));
    const { changed } = ctx.params;
    if (changed.includes('cpuCapPercent') || changed.includes('cpuWeight')) {
      if (running) await this.support.applyCpuLimits(ctx, server);
      else await ctx.step('apply cpu limits', async (report) => report.note('domain not running; cap and weight apply at the next start (they are in its config)'));
    }
    if (changed.includes('networkRateMbit')) {
      await ctx.step('network rate', async (report) => {
        const wanted = server.networkRateMbit;
        const said = wanted === null ? 'no rate limit' : `rate=${wanted}Mb/s`;
        const live = running ? await ctx.dom0.setVifRatesLive(server.domainName, wanted) : null;
        if (live === null) report.note(`domain not running; ${said} applies at the next start (it is in its config)`);
        else if (live.changed.length === 0) report.note(`the running domain already has ${said}`);
        else report.note(`${said} applied live to vif ${live.changed.map((devid) => `${live.domid}.${devid}`).join(', ')} (xenstore backend rate, read by netback at once); the config has it for the next boot`);
      });
    }
  }
}

import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { ServerJobSupport } from './server-job-support';

const OUTCOMES = {
  absent: 'domain was not running',
  'shut-down': 'guest shut down',
  'destroyed-after-timeout': 'guest did not shut down in time; destroyed',
} as const;

/** Graceful shutdown, waiting at most the asked timeout, then destroy. */
@Injectable()
export class StopServerHandler implements JobHandler<JobType.StopServer> {
  readonly type = JobType.StopServer;

  constructor(private readonly support: ServerJobSupport) {}

  async run(ctx: JobContext<JobType.StopServer>): Promise<void> {
    const { server } = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, server, ['running', 'stopped']))) return;
    await ctx.step('shut down domain', async (report) => {
      const { outcome } = await ctx.dom0.shutdownDomain(server.domainName, { timeoutMs: Math.max(1, ctx.params.timeoutSeconds) * 1000 });
      // shutdownDomain destroys after the timeout itself; this covers a guest that came back between its check and now.
      const { destroyed } = await ctx.dom0.destroyDomain(server.domainName);
      report.note(destroyed ? `${OUTCOMES[outcome]}; then destroyed` : OUTCOMES[outcome]);
    });
    await ctx.step('mark stopped', async (report) => {
      const state = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state !== 'running' && current.server.state !== 'stopped') return current.server.state;
        current.server.state = 'stopped';
        await this.support.saveServer(current.server, manager);
        return 'stopped';
      });
      report.note(state === 'stopped' ? 'server stopped' : `server is ${state}; left as it is`);
    });
  }
}

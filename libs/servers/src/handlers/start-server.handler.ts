import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { ServerJobSupport } from './server-job-support';

/**
 * Boots a stopped server. The config is written from the database first, so changes
 * made while it was stopped (or waiting for a reboot) apply now.
 */
@Injectable()
export class StartServerHandler implements JobHandler<JobType.StartServer> {
  readonly type = JobType.StartServer;

  constructor(private readonly support: ServerJobSupport) {}

  async run(ctx: JobContext<JobType.StartServer>): Promise<void> {
    const { server, disks } = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, server, ['stopped', 'running']))) return;
    await this.support.writeConfig(ctx, server, disks);
    await this.support.bootDomain(ctx, server);
    await ctx.step('mark running', async (report) => {
      const state = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state !== 'stopped' && current.server.state !== 'running') return current.server.state;
        current.server.state = 'running';
        current.server.pendingReboot = false;
        await this.support.saveServer(current.server, manager);
        return 'running';
      });
      report.note(state === 'running' ? 'server running' : `server is ${state}; left as it is`);
    });
  }
}

import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { ServerJobSupport } from './server-job-support';

/** How long a reboot that must re-create the domain waits for the guest to shut down before destroying it. */
export const REBOOT_SHUTDOWN_TIMEOUT_SECONDS = 120;
const DOMID_STEP = 'note domain id';

/**
 * `xl reboot` keeps the running configuration. When a change waits for the next boot
 * (pendingReboot), the reboot is a shutdown and an `xl create` from a freshly written
 * config instead, so the change applies.
 */
@Injectable()
export class RebootServerHandler implements JobHandler<JobType.RebootServer> {
  readonly type = JobType.RebootServer;

  constructor(private readonly support: ServerJobSupport) {}

  async run(ctx: JobContext<JobType.RebootServer>): Promise<void> {
    const { server, disks } = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, server, ['running']))) return;
    const domid = server.pendingReboot ? null : await this.domidBeforeReboot(ctx, server.domainName);
    if (server.pendingReboot || domid === null) {
      // A pending change needs a fresh xl create; so does a guest whose domain is gone (crashed and destroyed, powered off).
      await this.support.writeConfig(ctx, server, disks);
      await ctx.step('shut down domain', async (report) => {
        const { outcome } = await ctx.dom0.shutdownDomain(server.domainName, { timeoutMs: REBOOT_SHUTDOWN_TIMEOUT_SECONDS * 1000 });
        report.note(`${outcome}; the new config applies at xl create`);
      });
      await this.support.bootDomain(ctx, server);
    } else {
      await ctx.step('reboot domain', async (report) => {
        // A retry after the reboot finds a new domid and does not reboot the guest a second time.
        const result = await ctx.dom0.rebootDomain(server.domainName, { ifDomid: domid });
        report.note(result.rebooted ? `xl reboot (domid ${domid})` : `already rebooted: domid is now ${result.domid}`);
      });
      // The toolstack restarts the domain from its own copy of the config; the limits are checked on what came back.
      await this.support.applyCpuLimits(ctx, server);
    }
    await ctx.step('mark running', async (report) => {
      const state = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state !== 'running') return current.server.state;
        current.server.pendingReboot = false;
        await this.support.saveServer(current.server, manager);
        return 'running';
      });
      report.note(state === 'running' ? 'server running' : `server is ${state}; left as it is`);
    });
  }

  /**
   * The domid before the reboot, kept on the job as a step note so a later attempt reads
   * the one the first attempt saw.
   */
  private async domidBeforeReboot(ctx: JobContext<JobType.RebootServer>, domainName: string): Promise<number | null> {
    const seen: { domid?: number | null } = {};
    await ctx.step(DOMID_STEP, async (report) => {
      const domain = await ctx.dom0.domainByName(domainName);
      seen.domid = domain?.domid ?? null;
      report.note(seen.domid === null ? 'domain not running' : `domid ${seen.domid}`);
    });
    if (seen.domid !== undefined) return seen.domid;
    const recorded = ctx.job.steps.find((s) => s.name === DOMID_STEP)?.note;
    const match = recorded ? /^domid (\d+)$/.exec(recorded) : null;
    return match ? Number(match[1]) : null;
  }
}

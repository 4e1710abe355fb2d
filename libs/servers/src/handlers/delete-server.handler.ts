import { Injectable } from '@nestjs/common';
import { Clock } from '@carve/core';
import { JobContext, JobHandler, JobType } from '@carve/jobs';
import { ServerReservations } from '../server-reservations';
import { removeVolumeStep } from './disk-steps';
import { ServerJobSupport } from './server-job-support';

/** Destroys the domain, removes every LV and the config, gives the reservation back, and marks the server deleted. */
@Injectable()
export class DeleteServerHandler implements JobHandler<JobType.DeleteServer> {
  readonly type = JobType.DeleteServer;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly reservations: ServerReservations,
    private readonly clock: Clock,
  ) {}

  async run(ctx: JobContext<JobType.DeleteServer>): Promise<void> {
    const { server, disks } = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, server, ['deleting']))) return;
    await ctx.step('destroy domain', async (report) => {
      const { destroyed } = await ctx.dom0.destroyDomain(server.domainName);
      report.note(destroyed ? 'destroyed' : 'no domain running');
    });
    for (const disk of disks) await removeVolumeStep(ctx, disk);
    await ctx.step('remove domain config', async (report) => {
      const { removed } = await ctx.dom0.removeDomainConfig(server.domainName);
      report.note(removed ? `removed /etc/xen/${server.domainName}.cfg` : 'no config');
    });
    // A server deleted in rescue (or after a rescue that could not clean up) has the rescue system's config too.
    await ctx.step('remove rescue config', async (report) => {
      const { removed } = await ctx.dom0.removeDomainConfig(server.domainName, 'rescue');
      report.note(removed ? `removed /etc/xen/${server.domainName}.rescue.cfg` : 'no rescue config');
    });
    await ctx.step('release and mark deleted', async (report) => {
      const note = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state === 'deleted') return 'server already deleted';
        const held = current.server.holdsReservation;
        await this.reservations.releaseAll(manager, current.server);
        current.server.state = 'deleted';
        current.server.deletedAt = this.clock.now();
        await this.support.saveServer(current.server, manager);
        return held ? 'reservation released; server deleted' : 'server deleted (its reservation was released before)';
      });
      report.note(note);
    });
  }

  /**
   * A delete that could not finish (host unreachable too long, a refusal on the Dom0) leaves
   * the server `failed` with the reason: what remains on the host still holds its
   * reservation, and `failed` allows asking for the delete again.
   */
  async onFailed(ctx: JobContext<JobType.DeleteServer>, error: { code: string; message: string }): Promise<void> {
    await ctx.step('mark failed so the delete can be asked again', async (report) => {
      const note = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state !== 'deleting') return `server is ${current.server.state}; left as it is`;
        current.server.state = 'failed';
        current.server.failureReason = `delete did not finish: ${error.message}; ask for the delete again once the cause is fixed`;
        await this.support.saveServer(current.server, manager);
        return 'server failed; delete it again to retry';
      });
      report.note(note);
    });
  }
}

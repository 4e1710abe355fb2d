import { Injectable } from '@nestjs/common';
import { JobContext, JobHandler, JobType, PermanentJobError } from '@carve/jobs';
import { UserSshKeyService } from '@carve/tenancy';
import { isRescueBoot, rescueCmdlineProblem, rescueDomainSpecFor, rescueKeys } from '../rescue/rescue-boot';
import { RescueImageSettings } from '../rescue/rescue-image.settings';
import type { Server } from '../server.entity';
import { configDisks, domainSpecFor } from './domain-spec-for';
import { ServerJobSupport } from './server-job-support';

type Ctx = JobContext<JobType.EnterRescue>;

/**
 * Boots the server into the rescue system: the rescue config is written beside the normal
 * one first (so bad keys or paths fail before the guest is touched), then the domain is
 * shut down (destroyed after the timeout) and created from the rescue config under the same
 * name, with every disk at its vdev. A rescue that fails for good is undone by onFailed: the
 * rescue domain and config go, and a server that was running boots its normal config again.
 */
@Injectable()
export class EnterRescueHandler implements JobHandler<JobType.EnterRescue> {
  readonly type = JobType.EnterRescue;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly rescueImage: RescueImageSettings,
    private readonly sshKeys: UserSshKeyService,
  ) {}

  async run(ctx: Ctx): Promise<void> {
    const { server, disks } = await this.support.load(ctx);
    if (!(await this.support.applies(ctx, server, ['entering_rescue']))) return;
    const keys = rescueKeys(server.sshPublicKeys, await this.sshKeys.keysOfCustomer(server.customerId));
    const spec = rescueDomainSpecFor(server, disks, ctx.host.volumeGroup, this.rescueImage.image, keys);
    if ('kernel' in spec.boot && spec.boot.cmdline !== undefined) {
      const problem = rescueCmdlineProblem(spec.boot.cmdline);
      if (problem) throw new PermanentJobError('rescue_keys_too_long', `Cannot boot into rescue: ${problem}.`);
    }
    await ctx.step('write rescue config', async (report) => {
      const { changed } = await ctx.dom0.writeDomainConfig(spec, 'rescue');
      const booting = 'kernel' in spec.boot ? `${spec.boot.kernel}, ${spec.boot.ramdisk ?? 'no ramdisk'}` : 'pygrub';
      report.note(
        `${changed ? 'wrote' : 'already has'} /etc/xen/${spec.name}.rescue.cfg: ${booting}; disks ${spec.disks.map((d) => d.vdev).join(' ')}; ${keys.length} SSH key(s) for root; /etc/xen/${spec.name}.cfg left as it is`,
      );
    });
    await ctx.step('shut down domain', async (report) => {
      const detail = await ctx.dom0.domainDetail(server.domainName);
      if (detail && isRescueBoot(detail)) {
        report.note('the rescue system is already running');
        return;
      }
      const { outcome } = await ctx.dom0.shutdownDomain(server.domainName, { timeoutMs: Math.max(1, ctx.params.timeoutSeconds) * 1000 });
      const { destroyed } = await ctx.dom0.destroyDomain(server.domainName);
      report.note(destroyed ? `${outcome}; then destroyed` : outcome === 'absent' ? 'domain was not running' : outcome);
    });
    await ctx.step('create rescue domain', async (report) => {
      const { created, domid } = await ctx.dom0.createDomain(server.domainName, 'rescue');
      report.note(created ? `xl create ${server.domainName}.rescue.cfg: domid ${domid}` : `rescue system already running as domid ${domid}`);
    });
    await this.support.applyCpuLimits(ctx, server);
    await ctx.step('mark rescue', async (report) => {
      const state = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state !== 'entering_rescue') return current.server.state;
        current.server.state = 'rescue';
        await this.support.saveServer(current.server, manager);
        return 'rescue';
      });
      report.note(state === 'rescue' ? 'server in rescue' : `server is ${state}; left as it is`);
    });
  }

  async onFailed(ctx: Ctx, error: { code: string; message: string }): Promise<void> {
    const { server, disks } = await this.support.load(ctx);
    if (server.state !== 'entering_rescue') {
      await this.support.skip(ctx, `server is ${server.state}; nothing to undo`);
      return;
    }
    let undoError: string | null = null;
    try {
      await this.undoOnHost(ctx, server, disks);
    } catch (e) {
      undoError = e instanceof Error ? e.message : String(e);
    }
    await ctx.step('undo: return to the previous state', async (report) => {
      const note = await this.support.locked(ctx, async (manager, current) => {
        if (current.server.state !== 'entering_rescue') return `server is ${current.server.state}; left as it is`;
        // Could not clean up on the host: stopped is the honest claim (start rewrites and boots the normal config).
        current.server.state = undoError === null ? ctx.params.previousState : 'stopped';
        await this.support.saveServer(current.server, manager);
        return `rescue failed (${error.code}: ${error.message}); server ${current.server.state}${undoError ? ` (the undo did not finish: ${undoError})` : ''}`;
      });
      report.note(note);
    });
  }

  /** The rescue domain and config go; a server that was running boots its normal config again. The normal config file was never touched. */
  private async undoOnHost(ctx: Ctx, server: Server, disks: Parameters<typeof configDisks>[0]): Promise<void> {
    await ctx.step('undo: destroy rescue domain', async (report) => {
      const detail = await ctx.dom0.domainDetail(server.domainName);
      if (!detail || !isRescueBoot(detail)) {
        report.note(detail ? 'the normal system is running; left as it is' : 'no rescue domain');
        return;
      }
      await ctx.dom0.destroyDomain(server.domainName);
      report.note('destroyed');
    });
    await ctx.step('undo: remove rescue config', async (report) => {
      const { removed } = await ctx.dom0.removeDomainConfig(server.domainName, 'rescue');
      report.note(removed ? `removed /etc/xen/${server.domainName}.rescue.cfg` : 'no rescue config');
    });
    if (ctx.params.previousState !== 'running') return;
    await ctx.step('undo: boot the normal config', async (report) => {
      const { changed } = await ctx.dom0.writeDomainConfig(domainSpecFor(server, configDisks(disks), ctx.host.volumeGroup));
      const { created, domid } = await ctx.dom0.createDomain(server.domainName);
      const limits = await ctx.dom0.setSchedCredit2(server.domainName, { weight: server.cpuWeight, capPercent: server.cpuCapPercent });
      report.note(
        `${changed ? 'rewrote' : 'kept'} /etc/xen/${server.domainName}.cfg; ${created ? `xl create: domid ${domid}` : `already running as domid ${domid}`}${limits.changed ? '; cpu limits applied' : ''}`,
      );
    });
  }
}

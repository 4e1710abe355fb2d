import { JobContext } from '@carve/jobs';
import { Dom0OperationError, XlListEntry } from '@carve/xen';
import type { Server } from '../server.entity';
import { ServerJobSupport } from './server-job-support';

export interface LiveResize {
  /** e.g. `memory 3072 MiB` */
  what: string;
  /** The refusal that means "above the running domain's maximum". */
  aboveMaximum: 'above_maxmem' | 'above_maxvcpus';
  apply(domainName: string): Promise<{ changed: boolean }>;
  /** Whether the running domain already has the new size (it booted from a config written after the request). */
  runningHas(domain: XlListEntry): boolean;
}

/**
 * The shared shape of the two resize jobs: the database already holds the new size (the
 * request changed it and reserved for it), so the config is written from it; then, when
 * the request was live, the running domain is changed too. A domain that is not running,
 * or whose running maximum is lower than the config's (raised by a change still waiting
 * for a reboot), gets the change at its next boot instead: pendingReboot says so.
 */
export async function resize(ctx: JobContext, support: ServerJobSupport, live: boolean, change: LiveResize): Promise<void> {
  const { server, disks } = await support.load(ctx);
  if (!(await support.applies(ctx, server, ['running', 'stopped']))) return;
  await support.writeConfig(ctx, server, disks);
  if (!live) {
    await ctx.step('apply at next boot', async (report) => {
      // Decided now, not when asked: a start that ran in between may have booted either config.
      const domain = server.state === 'running' && (await support.domainRunning(ctx, server)) ? await ctx.dom0.domainByName(server.domainName) : null;
      if (domain && !change.runningHas(domain)) {
        await markPendingReboot(ctx, support, server);
        report.note(`${change.what} applies at the next reboot (pending reboot)`);
        return;
      }
      report.note(domain ? `the running domain already has ${change.what}` : `${change.what} applies at the next start`);
    });
    return;
  }
  await ctx.step(`set ${change.what} live`, async (report) => {
    if (server.state !== 'running' || !(await support.domainRunning(ctx, server))) {
      report.note(`domain not running; ${change.what} applies at the next start`);
      return;
    }
    try {
      const { changed } = await change.apply(server.domainName);
      report.note(changed ? `running domain now has ${change.what}` : `running domain already has ${change.what}`);
    } catch (error) {
      if (!(error instanceof Dom0OperationError) || error.code !== change.aboveMaximum) throw error;
      await markPendingReboot(ctx, support, server);
      report.note(`the running domain's maximum is lower; ${change.what} applies at the next reboot (pending reboot)`);
    }
  });
}

/** Records on the running server that a change waits for its next boot. */
export async function markPendingReboot(ctx: JobContext, support: ServerJobSupport, server: Server): Promise<void> {
  await support.locked(ctx, async (manager, current) => {
    if (current.server.state !== 'running' || current.server.pendingReboot) return;
    current.server.pendingReboot = true;
    await support.saveServer(current.server, manager);
  });
  server.pendingReboot = true;
}

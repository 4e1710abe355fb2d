import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Image } from '@carve/images';
import { JobContext, JobHandler, JobType, PermanentJobError } from '@carve/jobs';
import { DataSource } from 'typeorm';
import { ServerReservations } from '../server-reservations';
import type { ServerDisk } from '../server-disk.entity';
import type { Server } from '../server.entity';
import { createVolumeStep, makeFilesystemStep, removeVolumeStep } from './disk-steps';
import { fstabFor } from './fstab-for';
import { hostnameFor } from './hostname-for';
import { LoadedServer, ServerJobSupport } from './server-job-support';

type Ctx = JobContext<JobType.CreateServer>;

/**
 * Builds an ordered server on its Dom0: volumes, filesystems, the image on both roots,
 * the domain config, `xl create`. Each step checks the host before it acts, so a retry
 * or a resumed job finishes the build without repeating any of it. A build that fails
 * for good is undone by onFailed: nothing of it stays on the host, and the pool and the
 * host get their reservation back.
 */
@Injectable()
export class CreateServerHandler implements JobHandler<JobType.CreateServer> {
  readonly type = JobType.CreateServer;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly reservations: ServerReservations,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async run(ctx: Ctx): Promise<void> {
    const loaded = await this.support.load(ctx);
    const { server, disks } = loaded;
    if (server.state === 'running' || server.state === 'stopped') {
      await this.support.skip(ctx, `server is already built (${server.state}); nothing done`);
      return;
    }
    if (!(await this.support.applies(ctx, server, ['pending', 'provisioning']))) return;
    if (!(await this.markProvisioning(ctx))) return;

    for (const disk of disks) await createVolumeStep(ctx, disk);
    for (const disk of disks) await makeFilesystemStep(ctx, disk);
    for (const root of disks.filter((d) => d.role === 'root')) {
      await ctx.step(`install image on ${root.volumeName}`, (report) => this.installImage(ctx, loaded, root, report));
    }
    await this.support.writeConfig(ctx, server, disks, { including: disks.map((d) => d.id) });
    await this.support.bootDomain(ctx, server);
    await ctx.step('mark running', async (report) => {
      report.note(await this.markRunning(ctx));
    });
  }

  /**
   * Undo: the domain, its config and every volume, then the reservation, then `failed`
   * with the reason. A server that was built after all (running, stopped) is never
   * touched. When the host cannot be cleaned up (unreachable), the reservation is kept:
   * the volumes still take space there, and deleting the failed server retries the cleanup.
   */
  async onFailed(ctx: Ctx, error: { code: string; message: string }): Promise<void> {
    const { server, disks } = await this.support.load(ctx);
    if (server.state === 'running' || server.state === 'stopped' || server.state === 'deleted') {
      await this.support.skip(ctx, `server is ${server.state}; nothing to undo`);
      return;
    }
    let cleanupError: string | null = null;
    try {
      await this.undoOnHost(ctx, server, disks);
    } catch (undoError) {
      cleanupError = undoError instanceof Error ? undoError.message : String(undoError);
    }
    await ctx.step('release reservation and mark failed', async (report) => {
      const notes = await this.support.locked(ctx, async (manager, current) => {
        const said: string[] = [];
        if (cleanupError === null) {
          const held = current.server.holdsReservation;
          await this.reservations.releaseAll(manager, current.server);
          said.push(held ? 'reservation released' : 'reservation already released');
        } else {
          said.push('reservation kept: the host still has what was built');
        }
        if (current.server.state === 'pending' || current.server.state === 'provisioning' || current.server.state === 'failed') {
          current.server.state = 'failed';
          current.server.failureReason =
            cleanupError === null ? error.message : `${error.message} (cleanup on the host did not finish: ${cleanupError}; delete the server to retry it)`;
          await this.support.saveServer(current.server, manager);
          said.push('server failed');
        } else {
          said.push(`server is ${current.server.state}; state left for its queued job`);
        }
        return said;
      });
      report.note(notes.join('; '));
    });
  }

  private async markProvisioning(ctx: Ctx): Promise<boolean> {
    let proceed = true;
    await ctx.step('mark provisioning', async (report) => {
      const state = await this.support.locked(ctx, async (manager, { server }) => {
        if (server.state === 'pending') {
          server.state = 'provisioning';
          await this.support.saveServer(server, manager);
        }
        return server.state;
      });
      proceed = state === 'provisioning';
      report.note(proceed ? 'server is provisioning' : `server is ${state}; not building it`);
    });
    return proceed;
  }

  /** Both roots get the image, so the standby root boots after a failed upgrade of the active one. */
  private async installImage(ctx: Ctx, { server, disks }: LoadedServer, root: ServerDisk, report: { note(text: string): void }): Promise<void> {
    if (await ctx.dom0.domainByName(server.domainName)) {
      // The domain was created in an earlier attempt: the install happened before it, and the Dom0 must not mount a guest's root.
      report.note('domain already created; image was installed before it');
      return;
    }
    const image = await this.db.getRepository(Image).findOne({ where: { id: server.imageId } });
    if (!image) throw new PermanentJobError('image_not_found', `Image ${server.imageId} of server ${server.name} no longer exists.`);
    await ctx.dom0.installImage({
      rootDevice: ctx.dom0.volumeDevice(root.volumeName),
      imageArchive: image.archivePath,
      hostname: hostnameFor(server),
      fstab: fstabFor(disks),
      authorizedKeys: server.sshPublicKeys,
    });
    report.note(`unpacked ${image.name} (${image.archivePath}); wrote hostname, fstab and root's authorized_keys`);
  }

  private markRunning(ctx: Ctx): Promise<string> {
    return this.support.locked(ctx, async (manager, { server, disks }) => {
      for (const disk of disks.filter((d) => d.state === 'pending')) {
        disk.state = 'present';
        await this.support.saveDisk(disk, manager);
      }
      if (server.state !== 'provisioning') return `server is ${server.state}; left for its queued job`;
      server.state = 'running';
      server.pendingReboot = false;
      server.failureReason = null;
      await this.support.saveServer(server, manager);
      return 'server running';
    });
  }

  private async undoOnHost(ctx: Ctx, server: Server, disks: readonly ServerDisk[]): Promise<void> {
    await ctx.step('undo: destroy domain', async (report) => {
      const { destroyed } = await ctx.dom0.destroyDomain(server.domainName);
      report.note(destroyed ? 'destroyed' : 'no domain');
    });
    await ctx.step('undo: remove domain config', async (report) => {
      const { removed } = await ctx.dom0.removeDomainConfig(server.domainName);
      report.note(removed ? 'removed' : 'no config');
    });
    for (const disk of disks) await removeVolumeStep(ctx, disk, 'undo: ');
  }
}

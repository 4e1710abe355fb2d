import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@carve/core';
import { EventService } from '@carve/events';
import { JobContext, JobHandler, JobRepository, JobType, PermanentJobError } from '@carve/jobs';
import { ServerJobSupport, ServerReservations, StartServerHandler, type Server, type ServerDisk } from '@carve/servers';
import type { Dom0Client } from '@carve/xen';
import { EntityManager } from 'typeorm';
import { DrainFinisher } from '../drain-finisher';
import { heldBy } from '../server-move.service';
import { ServerMove } from '../server-move.entity';
import { ServerMoveRepository } from '../server-move.repository';
import { copyVolume, describeProgress } from './volume-copy';

type Ctx = JobContext<JobType.MoveServer>;
const GiB = 1024 ** 3;

/** Disks whose LV exists on the source (a disk still being added is created where the server lives when its job runs). */
function copiedDisks(disks: readonly ServerDisk[]): ServerDisk[] {
  return disks.filter((d) => d.state === 'present' || d.state === 'removing');
}

/** A step of the start path run on the target host, recorded on the move job under its own name. */
function onTarget(ctx: Ctx, target: { host: JobContext['host']; dom0: Dom0Client }): JobContext<JobType.StartServer> {
  return {
    job: ctx.job,
    params: {},
    host: target.host,
    get dom0() {
      return target.dom0;
    },
    target: null,
    lastAttempt: ctx.lastAttempt,
    step: (name, work) => ctx.step(`on target: ${name}`, work),
  };
}

/**
 * Moves a server to another host (README "Moving a server"): volumes of the same sizes on
 * the target, the domain stopped, each volume streamed through the worker and checked with
 * sha256 at both ends, the server started on the target through the start path, then the
 * server switched to the target in one transaction (queued jobs follow it), and the source
 * cleaned and released. Every step checks before it acts; a worker killed mid-copy copies
 * that volume again. Before the switch any failure is undone by onFailed: the target is
 * cleaned and the server started on its source again, so it runs on exactly one host.
 */
@Injectable()
export class MoveServerHandler implements JobHandler<JobType.MoveServer> {
  readonly type = JobType.MoveServer;
  private readonly logger = new Logger('moves');

  constructor(
    private readonly support: ServerJobSupport,
    private readonly start: StartServerHandler,
    private readonly reservations: ServerReservations,
    private readonly moves: ServerMoveRepository,
    private readonly jobs: JobRepository,
    private readonly events: EventService,
    private readonly clock: Clock,
    private readonly drains: DrainFinisher,
  ) {}

  async run(ctx: Ctx): Promise<void> {
    const target = this.target(ctx);
    let move = await this.requireMove(ctx);
    if (move.status === 'succeeded' || move.status === 'failed') {
      await this.support.skip(ctx, `move ${move.id} is ${move.status}; nothing done`);
      return;
    }
    const { server, disks } = await this.support.load(ctx);
    if (move.status === 'queued') move = await this.markRunning(ctx, move);

    if (move.status === 'running') {
      for (const disk of copiedDisks(disks)) {
        await ctx.step(`create volume ${disk.volumeName} on target`, async (report) => {
          const { created } = await target.dom0.createVolume(disk.volumeName, disk.sizeGiB);
          report.note(created ? `created ${disk.sizeGiB} GiB on ${target.host.name}` : `already present on ${target.host.name}`);
        });
      }
      await ctx.step('stop domain on source', async (report) => {
        const { outcome } = await ctx.dom0.shutdownDomain(server.domainName, { timeoutMs: 60_000 });
        const { destroyed } = await ctx.dom0.destroyDomain(server.domainName);
        report.note(outcome === 'absent' && !destroyed ? 'domain was not running' : `domain stopped on ${ctx.host.name} (${outcome}${destroyed ? ', then destroyed' : ''})`);
      });
      for (const disk of copiedDisks(disks)) await this.copyStep(ctx, move, disk, target);
      if (move.wasRunning) {
        // The start path the start job takes (config from the database, xl create, limits), on the target.
        await this.start.run(onTarget(ctx, target));
      } else {
        await this.support.writeConfig(onTarget(ctx, target), server, disks);
      }
      await ctx.step('switch server to target', async (report) => report.note(await this.switchToTarget(ctx, move)));
      move = await this.requireMove(ctx);
    }

    // Switched: the server runs on the target; what is left is on the source.
    await this.cleanHost(ctx, ctx.dom0, server, disks, 'source');
    await ctx.step('release source host', async (report) => report.note(await this.finishSucceeded(ctx)));
  }

  /**
   * Before the switch: the target's domain, config and volumes removed, the server started
   * on its source again if it was running, the target's reservation given back. A target
   * that cannot be reached keeps its reservation and gets a cleanup job in the lane that
   * retries until it answers. After the switch the server is fine on the target: a cleanup
   * job finishes the source.
   */
  async onFailed(ctx: Ctx, error: { code: string; message: string }): Promise<void> {
    const move = await this.requireMove(ctx);
    if (move.status === 'succeeded' || move.status === 'failed') return;
    const { server, disks } = await this.support.load(ctx);
    if (move.status === 'switched') {
      await ctx.step('queue cleanup of the source', async (report) => {
        await this.moves.transaction((manager) => this.queueCleanup(manager, ctx, move, move.sourceHostId));
        report.note(`the server runs on the target; the source could not be cleaned (${error.message}); a cleanup job retries`);
      });
      return;
    }
    const target = this.target(ctx);
    let targetClean = true;
    try {
      await this.cleanHost(ctx, target.dom0, server, disks, 'target', 'undo: ');
    } catch (cleanupError) {
      targetClean = false;
      this.logger.warn(`move ${move.id}: target cleanup failed: ${(cleanupError as Error).message}`);
    }
    const targetCreated = ctx.job.steps.some((s) => s.name === 'on target: create domain' && s.status !== 'pending');
    let restartNote = 'server was stopped; left stopped';
    if (move.wasRunning) {
      if (!targetClean && targetCreated) {
        restartNote = 'not restarted on the source: the target cannot be reached and may still run the domain; the cleanup job settles it';
      } else {
        await ctx.step('undo: start domain on source', async (report) => {
          const { created, domid } = await ctx.dom0.createDomain(server.domainName);
          report.note(created ? `xl create on ${ctx.host.name}: domid ${domid}` : `already running on ${ctx.host.name} as domid ${domid}`);
        });
        restartNote = 'server running on its source again';
      }
    }
    await ctx.step('undo: release target and mark move failed', async (report) => {
      const note = await this.moves.transaction(async (manager) => {
        const locked = (await this.moves.lockById(manager, move.id))!;
        if (locked.status === 'failed' || locked.status === 'succeeded') return `move already ${locked.status}`;
        const said = [restartNote];
        if (targetClean && locked.targetReserved) {
          await this.reservations.releaseFromHost(manager, locked.targetHostId, locked);
          locked.targetReserved = false;
          said.push('target reservation released');
        } else if (!targetClean) {
          await this.queueCleanup(manager, ctx, locked, locked.targetHostId);
          said.push('target unreachable: its reservation is kept and a cleanup job removes what the move left there');
        }
        locked.status = 'failed';
        locked.error = error.message;
        locked.finishedAt = this.clock.now();
        await this.moves.save(manager, locked);
        await this.events.raiseIn(manager, {
          customerId: null,
          kind: 'server.move.failed',
          subjectType: 'server',
          subjectId: locked.serverId,
          data: { jobId: ctx.job.id, fromHostId: locked.sourceHostId, toHostId: locked.targetHostId, reason: `${error.message}; ${restartNote}` },
          dedupKey: `move:${locked.id}:failed`,
        });
        if (locked.drainId) await this.finishDrain(manager, locked.drainId);
        return said.join('; ');
      });
      report.note(note);
    });
  }

  private target(ctx: Ctx): { host: JobContext['host']; dom0: Dom0Client } {
    if (!ctx.target) throw new PermanentJobError('move_without_target', `Move job ${ctx.job.id} names no target host.`);
    return ctx.target;
  }

  private async requireMove(ctx: Ctx): Promise<ServerMove> {
    const move = await this.moves.findById(ctx.params.moveId);
    if (!move) throw new PermanentJobError('move_not_found', `Move ${ctx.params.moveId} no longer exists.`);
    return move;
  }

  private async markRunning(ctx: Ctx, move: ServerMove): Promise<ServerMove> {
    let current = move;
    await ctx.step('check server state', async (report) => {
      const { server } = await this.support.load(ctx);
      current = await this.moves.transaction(async (manager) => {
        const locked = (await this.moves.lockById(manager, move.id))!;
        if (locked.status !== 'queued') return locked;
        if (server.state !== 'running' && server.state !== 'stopped') {
          throw new PermanentJobError('server_not_movable', `Server ${server.name} is ${server.state}; only running or stopped servers move.`);
        }
        // What a job queued before the move left: the server is started on the target only if it runs now.
        locked.wasRunning = server.state === 'running';
        locked.status = 'running';
        return this.moves.save(manager, locked);
      });
      report.note(`moving ${current.wasRunning ? 'running' : 'stopped'} server from ${ctx.host.name} to ${ctx.target?.host.name}`);
    });
    return current;
  }

  private async copyStep(ctx: Ctx, move: ServerMove, disk: ServerDisk, target: { dom0: Dom0Client }): Promise<void> {
    await ctx.step(`copy ${disk.volumeName}`, async (report) => {
      const totalBytes = disk.sizeGiB * GiB;
      const result = await copyVolume(ctx.dom0, target.dom0, disk.volumeName, totalBytes, {
        // A stalled stream is caught by the SSH keepalive; this bounds a crawling one (2 MB/s).
        timeoutMs: Math.max(120_000, (totalBytes / 2e6) * 1000),
        onProgress: async (p) => {
          const text = describeProgress(p);
          report.note(text);
          await report.progress?.(text);
        },
      });
      const checksumTimeoutMs = Math.max(120_000, (totalBytes / 20e6) * 1000);
      const [sourceSha256, targetSha256] = await Promise.all([
        ctx.dom0.volumeStreams().checksum(disk.volumeName, { timeoutMs: checksumTimeoutMs }),
        target.dom0.volumeStreams().checksum(disk.volumeName, { timeoutMs: checksumTimeoutMs }),
      ]);
      await this.moves.recordVolume(move.id, { diskId: disk.id, volumeName: disk.volumeName, bytes: result.bytes, streamedSha256: result.sha256, sourceSha256, targetSha256, seconds: result.seconds });
      if (result.bytes !== totalBytes || sourceSha256 !== result.sha256 || targetSha256 !== result.sha256) {
        // Transient: copying again is the remedy (the volume changed, or bytes went missing on the way).
        throw Object.assign(new Error(`checksum mismatch on ${disk.volumeName}: ${result.bytes} of ${totalBytes} bytes streamed (sha256 ${result.sha256}), source ${sourceSha256}, target ${targetSha256}`), {
          code: 'checksum_mismatch',
          transient: true,
        });
      }
      report.note(
        `${describeProgress({ bytes: result.bytes, totalBytes, bytesPerSecond: result.bytes / Math.max(result.seconds, 0.001) })} in ${result.seconds.toFixed(1)} s; sha256 ${result.sha256} on both hosts`,
      );
    });
  }

  /** The server is the target's from here: its host, its reservation, and its queued jobs. */
  private switchToTarget(ctx: Ctx, move: ServerMove): Promise<string> {
    return this.support.locked(ctx, async (manager, { server, disks }) => {
      const locked = (await this.moves.lockById(manager, move.id))!;
      if (server.hostId === locked.targetHostId) return 'server already on the target';
      // Requests made during the move changed the reservation on the source: the target follows.
      const now = heldBy(server, disks);
      const delta = { memoryMiB: now.memoryMiB - locked.memoryMiB, vcpus: now.vcpus - locked.vcpus, diskGiB: now.diskGiB - locked.diskGiB };
      if (delta.memoryMiB !== 0 || delta.vcpus !== 0 || delta.diskGiB !== 0) await this.reservations.adjustOnHost(manager, locked.targetHostId, delta);
      server.hostId = locked.targetHostId;
      await this.support.saveServer(server, manager);
      const followed = await this.jobs.followServerToHost(manager, server.id, locked.targetHostId, ctx.job.id);
      Object.assign(locked, now, { status: 'switched', targetReserved: false });
      await this.moves.save(manager, locked);
      return `server now on ${ctx.target?.host.name}${followed > 0 ? `; ${followed} queued job(s) follow it there` : ''}`;
    });
  }

  private async cleanHost(ctx: Ctx, dom0: Dom0Client, server: Server, disks: readonly ServerDisk[], side: 'source' | 'target', prefix = ''): Promise<void> {
    await ctx.step(`${prefix}destroy domain on ${side}`, async (report) => {
      const { destroyed } = await dom0.destroyDomain(server.domainName);
      report.note(destroyed ? 'destroyed' : 'no domain running');
    });
    await ctx.step(`${prefix}remove domain config on ${side}`, async (report) => {
      const { removed } = await dom0.removeDomainConfig(server.domainName);
      report.note(removed ? `removed /etc/xen/${server.domainName}.cfg` : 'no config');
    });
    for (const disk of disks) {
      await ctx.step(`${prefix}remove volume ${disk.volumeName} on ${side}`, async (report) => {
        const { removed } = await dom0.removeVolume(disk.volumeName);
        report.note(removed ? 'removed' : 'no such volume; nothing to remove');
      });
    }
  }

  private finishSucceeded(ctx: Ctx): Promise<string> {
    return this.moves.transaction(async (manager) => {
      const locked = (await this.moves.lockById(manager, ctx.params.moveId))!;
      if (locked.status === 'succeeded') return 'source already released';
      await this.reservations.releaseFromHost(manager, locked.sourceHostId, locked);
      locked.status = 'succeeded';
      locked.finishedAt = this.clock.now();
      await this.moves.save(manager, locked);
      const bytesCopied = locked.volumes.reduce((sum, v) => sum + v.bytes, 0);
      await this.events.raiseIn(manager, {
        customerId: null,
        kind: 'server.move.succeeded',
        subjectType: 'server',
        subjectId: locked.serverId,
        data: { jobId: ctx.job.id, fromHostId: locked.sourceHostId, toHostId: locked.targetHostId, bytesCopied, seconds: (locked.finishedAt.getTime() - locked.createdAt.getTime()) / 1000 },
        dedupKey: `move:${locked.id}:succeeded`,
      });
      if (locked.drainId) await this.finishDrain(manager, locked.drainId);
      return `source ${ctx.host.name} released; move succeeded (${(bytesCopied / GiB).toFixed(1)} GiB copied)`;
    });
  }

  private async queueCleanup(manager: EntityManager, ctx: Ctx, move: ServerMove, hostId: string): Promise<void> {
    await this.jobs.insert(
      { customerId: move.customerId, serverId: move.serverId, hostId, type: JobType.MoveCleanup, params: { moveId: move.id }, requestedByUserId: ctx.job.requestedByUserId },
      manager,
    );
  }

  finishDrain(manager: EntityManager, drainId: string): Promise<void> {
    return this.drains.finishIfDone(manager, drainId);
  }
}

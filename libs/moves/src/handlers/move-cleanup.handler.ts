import { Injectable } from '@nestjs/common';
import { Clock } from '@carve/core';
import { EventService } from '@carve/events';
import { JobContext, JobHandler, JobType, PermanentJobError } from '@carve/jobs';
import { ServerJobSupport, ServerReservations } from '@carve/servers';
import { ServerMoveRepository } from '../server-move.repository';
import { MoveServerHandler } from './move-server.handler';

type Ctx = JobContext<JobType.MoveCleanup>;

/**
 * What a move could not clean up when it ended, removed once the host answers: its job's
 * host (`ctx.host`) is the move's target after a failed move, or its source after a move
 * that switched. Never the host the server lives on now. Retries like any job while the
 * host is unreachable; the reservation on that host is released once it is clean. When it
 * fails for good, the reservation stays (the leftover volumes still take that volume
 * group's space, a leftover domain its memory), the move records why, and an operator
 * event says what the host still holds.
 */
@Injectable()
export class MoveCleanupHandler implements JobHandler<JobType.MoveCleanup> {
  readonly type = JobType.MoveCleanup;

  constructor(
    private readonly support: ServerJobSupport,
    private readonly reservations: ServerReservations,
    private readonly moves: ServerMoveRepository,
    private readonly moveHandler: MoveServerHandler,
    private readonly clock: Clock,
    private readonly events: EventService,
  ) {}

  async run(ctx: Ctx): Promise<void> {
    const move = await this.moves.findById(ctx.params.moveId);
    if (!move) throw new PermanentJobError('move_not_found', `Move ${ctx.params.moveId} no longer exists.`);
    const { server, disks } = await this.support.load(ctx);
    if (server.hostId === ctx.host.id) {
      await this.support.skip(ctx, `the server lives on ${ctx.host.name}; nothing of it is removed there`);
      return;
    }
    await ctx.step('destroy leftover domain', async (report) => {
      const { destroyed } = await ctx.dom0.destroyDomain(server.domainName);
      report.note(destroyed ? 'destroyed' : 'no domain running');
    });
    await ctx.step('remove leftover domain config', async (report) => {
      const { removed } = await ctx.dom0.removeDomainConfig(server.domainName);
      report.note(removed ? `removed /etc/xen/${server.domainName}.cfg` : 'no config');
    });
    for (const disk of disks) {
      await ctx.step(`remove leftover volume ${disk.volumeName}`, async (report) => {
        const { removed } = await ctx.dom0.removeVolume(disk.volumeName);
        report.note(removed ? 'removed' : 'no such volume; nothing to remove');
      });
    }
    await ctx.step('release host', async (report) => {
      const note = await this.moves.transaction(async (manager) => {
        const locked = (await this.moves.lockById(manager, move.id))!;
        if (locked.status === 'switched' && ctx.host.id === locked.sourceHostId) {
          await this.reservations.releaseFromHost(manager, locked.sourceHostId, locked);
          locked.status = 'succeeded';
          locked.finishedAt = this.clock.now();
          await this.moves.save(manager, locked);
          if (locked.drainId) await this.moveHandler.finishDrain(manager, locked.drainId);
          return 'source released; move succeeded';
        }
        if (locked.status === 'failed' && locked.targetReserved && ctx.host.id === locked.targetHostId) {
          await this.reservations.releaseFromHost(manager, locked.targetHostId, locked);
          locked.targetReserved = false;
          await this.moves.save(manager, locked);
          return 'target reservation released';
        }
        return 'nothing held here any more';
      });
      report.note(note);
    });
  }

  async onFailed(ctx: Ctx, error: { code: string; message: string }): Promise<void> {
    await ctx.step('keep reservation of the leftovers', async (report) => {
      const note = await this.moves.transaction(async (manager) => {
        const locked = await this.moves.lockById(manager, ctx.params.moveId);
        if (!locked) return 'the move no longer exists';
        const holds = (locked.status === 'switched' && ctx.host.id === locked.sourceHostId) || (locked.status === 'failed' && locked.targetReserved && ctx.host.id === locked.targetHostId);
        if (!holds) return `nothing held on ${ctx.host.name} any more`;
        const held = { memoryMiB: locked.memoryMiB, vcpus: locked.vcpus, diskGiB: locked.diskGiB };
        const said = `cleanup of ${ctx.host.name} failed for good (${error.message}); ${ctx.host.name} keeps the server's reservation (${held.memoryMiB} MiB, ${held.vcpus} vCPUs, ${held.diskGiB} GiB) until what the move left there is removed`;
        locked.error = locked.status === 'failed' && locked.error ? `${locked.error}; ${said}` : said;
        await this.moves.save(manager, locked);
        const { server } = await this.support.load(ctx);
        await this.events.raiseIn(manager, {
          customerId: null,
          kind: 'server.move.cleanup_failed',
          subjectType: 'server',
          subjectId: locked.serverId,
          data: { moveId: locked.id, jobId: ctx.job.id, hostId: ctx.host.id, serverHostId: server.hostId, held, reason: error.message },
          dedupKey: `move:${locked.id}:cleanup-failed:${ctx.job.id}`,
        });
        return said;
      });
      report.note(note);
    });
  }
}

import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { HostRepository } from '@carve/inventory';
import { ServerRepository } from '@carve/servers';
import { Actor } from '@carve/tenancy';
import { DrainFinisher } from './drain-finisher';
import { HostDrain, NotMovedServer } from './host-drain.entity';
import { MOVABLE_STATES } from './move-errors';
import { ServerMoveRepository } from './server-move.repository';
import { ServerMoveService } from './server-move.service';

export interface DrainSummary {
  drain: Omit<HostDrain, 'requestedByUserId'>;
  /** Servers moved off the host. */
  moved: { serverId: string; moveId: string; jobId: string | null; targetHostId: string }[];
  /** Moves queued or under way. */
  moving: { serverId: string; moveId: string; jobId: string | null; targetHostId: string; status: string }[];
  /** Servers on the host that cannot move yet (being built or deleted): move them once they settle. */
  waiting: { serverId: string; name: string; state: string; reason: string }[];
  /** Servers that could not be moved, and why. */
  couldNot: { serverId: string; name?: string; code: string; reason: string }[];
}

const WAITING_REASONS: Record<string, string> = {
  pending: 'ordered, not built yet; it moves once it runs (drain again)',
  provisioning: 'being built; it moves once it runs (drain again)',
  deleting: 'being deleted; nothing will be left to move',
  entering_rescue: 'booting into rescue; it moves once it is out of rescue (drain again)',
  rescue: 'in rescue (the customer is repairing it); it moves once it is out of rescue (drain again)',
  leaving_rescue: 'leaving rescue; it moves once it runs (drain again)',
};

/**
 * Draining a host (operators): the host set `draining` (it takes nothing new) and one move
 * per server asked, each placed by the order's rules; what could not move says why. A host
 * already draining answers the drain in progress.
 */
@Injectable()
export class HostDrainService {
  constructor(
    private readonly hosts: HostRepository,
    private readonly servers: ServerRepository,
    private readonly moves: ServerMoveRepository,
    private readonly moveService: ServerMoveService,
    private readonly finisher: DrainFinisher,
  ) {}

  async drain(actor: Actor, hostId: string): Promise<{ started: boolean; summary: DrainSummary }> {
    if (actor.customerId !== null) throw new ForbiddenError('Draining hosts is for operators.');
    const running = await this.moves.runningDrain(hostId);
    if (running) return { started: false, summary: await this.summary(running) };
    let drain: HostDrain;
    try {
      drain = await this.moves.transaction(async (manager) => {
        const host = await this.hosts.lockById(hostId, manager);
        if (!host) throw new NotFoundError('host', hostId);
        if (host.status === 'retired') throw new ConflictError('host_retired', `Host ${host.name} is retired; it holds no servers to drain.`);
        const previousHostStatus = host.status;
        host.status = 'draining';
        await this.hosts.save(host, manager);
        return this.moves.insertDrain(manager, { hostId, status: 'running', previousHostStatus, requestedByUserId: actor.userId, notMoved: [], startedAt: new Date(), finishedAt: null });
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'host_drains_one_running') {
        const other = await this.moves.runningDrain(hostId);
        if (other) return { started: false, summary: await this.summary(other) };
      }
      throw error;
    }
    const notMoved: NotMovedServer[] = [];
    const onHost = await this.servers.list({ kind: 'operator' }, { limit: 10_000 }, { hostId });
    for (const server of onHost.filter((s) => MOVABLE_STATES.includes(s.state))) {
      try {
        await this.moveService.move(actor, server.id, null, drain.id);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        notMoved.push({ serverId: server.id, name: server.name, code: error.code, reason: error.message });
      }
    }
    drain.notMoved = notMoved;
    await this.moves.transaction(async (manager) => {
      await this.moves.setNotMoved(manager, drain.id, notMoved);
      // Nothing to move (or nothing could): the drain is over at once.
      await this.finisher.finishIfDone(manager, drain.id);
    });
    return { started: true, summary: await this.summary((await this.moves.latestDrain(hostId)) ?? drain) };
  }

  async latest(actor: Actor, hostId: string): Promise<DrainSummary> {
    if (actor.customerId !== null) throw new ForbiddenError('Draining hosts is for operators.');
    const drain = await this.moves.latestDrain(hostId);
    if (!drain) throw new NotFoundError('drain', hostId);
    return this.summary(drain);
  }

  private async summary(drain: HostDrain): Promise<DrainSummary> {
    const { requestedByUserId: _by, ...view } = drain;
    const moves = await this.moves.movesOfDrain(drain.id);
    const moved = moves.filter((m) => m.status === 'succeeded' || m.status === 'switched');
    const moving = moves.filter((m) => m.status === 'queued' || m.status === 'running');
    const failed = moves.filter((m) => m.status === 'failed');
    const onHost = await this.servers.list({ kind: 'operator' }, { limit: 10_000 }, { hostId: drain.hostId });
    const moveIds = new Set(moves.map((m) => m.serverId));
    const waiting = onHost
      .filter((s) => !moveIds.has(s.id) && WAITING_REASONS[s.state] !== undefined)
      .map((s) => ({ serverId: s.id, name: s.name, state: s.state, reason: WAITING_REASONS[s.state]! }));
    const failedOnHost = onHost.filter((s) => !moveIds.has(s.id) && s.state === 'failed' && !drain.notMoved.some((n) => n.serverId === s.id));
    return {
      drain: view,
      moved: moved.map((m) => ({ serverId: m.serverId, moveId: m.id, jobId: m.jobId, targetHostId: m.targetHostId })),
      moving: moving.map((m) => ({ serverId: m.serverId, moveId: m.id, jobId: m.jobId, targetHostId: m.targetHostId, status: m.status })),
      waiting,
      couldNot: [
        ...drain.notMoved,
        ...failed.map((m) => ({ serverId: m.serverId, code: 'move_failed', reason: m.error ?? 'the move failed; the server runs on this host again' })),
        ...failedOnHost.map((s) => ({ serverId: s.id, name: s.name, code: 'server_failed', reason: 'the server failed; delete it' })),
      ],
    };
  }
}

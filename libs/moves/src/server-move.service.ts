import { Injectable } from '@nestjs/common';
import { ForbiddenError, InvalidInputError, NotFoundError } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { JobDispatcher, JobRepository, JobType, toJobView } from '@carve/jobs';
import { ServerRepository, ServerReservations, type ResourceAmounts, type Server, type ServerDisk } from '@carve/servers';
import { Actor } from '@carve/tenancy';
import { EntityManager } from 'typeorm';
import { ConflictError } from '@carve/core';
import { MOVABLE_STATES, notMovable } from './move-errors';
import { AcceptedMove, toMoveView } from './move.view';
import { ServerMoveRepository } from './server-move.repository';

/** What the server holds on its host, and what a move must reserve on the target. */
export function heldBy(server: Server, disks: readonly ServerDisk[]): ResourceAmounts {
  return { memoryMiB: server.memoryMiB, vcpus: server.vcpus, diskGiB: disks.filter((d) => d.state !== 'removed').reduce((sum, d) => sum + d.sizeGiB, 0) };
}

/**
 * Asking for a move (operators): the server row locked, its state checked, room reserved on
 * the target host by the order's rules, the move recorded and its job queued on the
 * server's lane with both hosts, in one transaction.
 */
@Injectable()
export class ServerMoveService {
  constructor(
    private readonly servers: ServerRepository,
    private readonly reservations: ServerReservations,
    private readonly moves: ServerMoveRepository,
    private readonly jobs: JobRepository,
    private readonly dispatcher: JobDispatcher,
  ) {}

  async move(actor: Actor, serverId: string, targetHostId: string | null, drainId: string | null = null): Promise<AcceptedMove> {
    if (actor.customerId !== null) throw new ForbiddenError('Moving servers between hosts is for operators.');
    let accepted: AcceptedMove;
    try {
      accepted = await this.servers.transaction((manager) => this.moveIn(manager, actor, serverId, targetHostId, drainId));
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'server_moves_one_unfinished') {
        throw new ConflictError('move_in_progress', `Server ${serverId} is already being moved.`);
      }
      throw error;
    }
    await this.dispatcher.dispatchLane(serverId);
    return accepted;
  }

  /** The same inside a caller's transaction (a drain queues one move per server). */
  async moveIn(manager: EntityManager, actor: Actor, serverId: string, targetHostId: string | null, drainId: string | null): Promise<AcceptedMove> {
    const server = await this.servers.lockById(serverId, manager);
    if (!server || server.state === 'deleted') throw new NotFoundError('server', serverId);
    if (targetHostId !== null && targetHostId === server.hostId) {
      throw new InvalidInputError([{ field: 'targetHostId', message: 'is the host the server runs on; name another host, or leave it out to let placement choose' }]);
    }
    if (!MOVABLE_STATES.includes(server.state)) throw notMovable(server.state);
    const existing = await this.moves.unfinishedFor(manager, server.id);
    if (existing) throw new ConflictError('move_in_progress', `Server ${server.name} is already being moved (move ${existing.id}).`, { moveId: existing.id });
    const disks = await this.servers.disksOf([server.id], manager);
    const need = heldBy(server, disks);
    const target = await this.reservations.reserveForMove(manager, server, need, targetHostId);
    const move = await this.moves.insert(manager, {
      serverId: server.id,
      customerId: server.customerId,
      jobId: null,
      drainId,
      sourceHostId: server.hostId,
      targetHostId: target.id,
      status: 'queued',
      wasRunning: server.state === 'running',
      memoryMiB: need.memoryMiB,
      vcpus: need.vcpus,
      diskGiB: need.diskGiB,
      targetReserved: true,
      volumes: [],
      error: null,
      requestedByUserId: actor.userId,
      finishedAt: null,
    });
    const job = await this.jobs.insert(
      {
        customerId: server.customerId,
        serverId: server.id,
        hostId: server.hostId,
        targetHostId: target.id,
        type: JobType.MoveServer,
        params: { moveId: move.id },
        requestedByUserId: actor.userId,
      },
      manager,
    );
    move.jobId = job.id;
    await this.moves.save(manager, move);
    return { move: toMoveView(move), job: toJobView(job) };
  }
}

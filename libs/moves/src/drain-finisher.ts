import { Injectable } from '@nestjs/common';
import { Clock } from '@carve/core';
import { EventService } from '@carve/events';
import { EntityManager } from 'typeorm';
import { ServerMoveRepository } from './server-move.repository';

/** Ends a drain once none of its moves is unfinished, and raises host.drain.finished once. */
@Injectable()
export class DrainFinisher {
  constructor(
    private readonly moves: ServerMoveRepository,
    private readonly events: EventService,
    private readonly clock: Clock,
  ) {}

  async finishIfDone(manager: EntityManager, drainId: string): Promise<void> {
    const drain = await this.moves.finishDrainIfDone(manager, drainId, this.clock.now());
    if (!drain) return;
    const moves = await this.moves.movesOfDrain(drainId, manager);
    await this.events.raiseIn(manager, {
      customerId: null,
      kind: 'host.drain.finished',
      subjectType: 'host',
      subjectId: drain.hostId,
      data: {
        moved: moves.filter((m) => m.status === 'succeeded' || m.status === 'switched').map((m) => m.serverId),
        failed: [
          ...moves.filter((m) => m.status === 'failed').map((m) => ({ serverId: m.serverId, reason: m.error ?? 'move failed' })),
          ...drain.notMoved.map((n) => ({ serverId: n.serverId, reason: n.reason })),
        ],
      },
      dedupKey: `drain:${drain.id}:finished`,
    });
  }
}

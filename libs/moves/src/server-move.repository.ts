import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { HostDrain, NotMovedServer } from './host-drain.entity';
import { MovedVolume, ServerMove, UNFINISHED_MOVE_STATUSES } from './server-move.entity';

/** server_moves and host_drains: libs/moves owns both. */
@Injectable()
export class ServerMoveRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async insert(manager: EntityManager, move: Partial<ServerMove>): Promise<ServerMove> {
    const repo = manager.getRepository(ServerMove);
    const entity = repo.create(move);
    await repo.insert(entity);
    return entity;
  }

  async save(manager: EntityManager, move: ServerMove): Promise<ServerMove> {
    return manager.getRepository(ServerMove).save(move);
  }

  findById(id: string): Promise<ServerMove | null> {
    return this.db.getRepository(ServerMove).findOne({ where: { id } });
  }

  async lockById(manager: EntityManager, id: string): Promise<ServerMove | null> {
    return manager.getRepository(ServerMove).createQueryBuilder('m').setLock('pessimistic_write').where('m.id = :id', { id }).getOne();
  }

  async unfinishedFor(manager: EntityManager, serverId: string): Promise<ServerMove | null> {
    return manager
      .getRepository(ServerMove)
      .createQueryBuilder('m')
      .where('m.server_id = :serverId', { serverId })
      .andWhere('m.status IN (:...statuses)', { statuses: UNFINISHED_MOVE_STATUSES })
      .getOne();
  }

  /** One volume's copy recorded on the move (replacing an earlier attempt's). */
  async recordVolume(moveId: string, volume: MovedVolume): Promise<void> {
    await this.db.query(
      `UPDATE server_moves SET volumes = COALESCE((SELECT jsonb_agg(v) FROM jsonb_array_elements(volumes) v WHERE v->>'diskId' <> $2), '[]'::jsonb) || jsonb_build_array($3::jsonb)
        WHERE id = $1`,
      [moveId, volume.diskId, JSON.stringify(volume)],
    );
  }

  movesOfDrain(drainId: string, manager?: EntityManager): Promise<ServerMove[]> {
    return (manager ?? this.db.manager).getRepository(ServerMove).find({ where: { drainId }, order: { createdAt: 'ASC' } });
  }

  // ---- drains ---------------------------------------------------------------

  async insertDrain(manager: EntityManager, drain: Partial<HostDrain>): Promise<HostDrain> {
    const repo = manager.getRepository(HostDrain);
    const entity = repo.create(drain);
    await repo.insert(entity);
    return entity;
  }

  async runningDrain(hostId: string, manager?: EntityManager): Promise<HostDrain | null> {
    return (manager ?? this.db.manager).getRepository(HostDrain).findOne({ where: { hostId, status: 'running' } });
  }

  latestDrain(hostId: string): Promise<HostDrain | null> {
    return this.db.getRepository(HostDrain).findOne({ where: { hostId }, order: { startedAt: 'DESC' } });
  }

  async setNotMoved(manager: EntityManager, drainId: string, notMoved: NotMovedServer[]): Promise<void> {
    await manager.query(`UPDATE host_drains SET not_moved = $2 WHERE id = $1`, [drainId, JSON.stringify(notMoved)]);
  }

  /** Ends the drain when none of its moves is unfinished; true when this call ended it. */
  async finishDrainIfDone(manager: EntityManager, drainId: string, at: Date): Promise<HostDrain | null> {
    const rows: { id: string }[] = await manager.query(
      `UPDATE host_drains d SET status = 'finished', finished_at = $2
        WHERE d.id = $1 AND d.status = 'running'
          AND NOT EXISTS (SELECT 1 FROM server_moves m WHERE m.drain_id = d.id AND m.status = ANY($3))
        RETURNING d.id`,
      [drainId, at, UNFINISHED_MOVE_STATUSES],
    ).then((r: [{ id: string }[], number]) => r[0]);
    if (rows.length === 0) return null;
    return manager.getRepository(HostDrain).findOne({ where: { id: drainId } });
  }
}

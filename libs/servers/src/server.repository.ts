import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { TenantScope, tenantWhere } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';
import { ServerDisk } from './server-disk.entity';
import { Server, ServerState } from './server.entity';

export interface ServerFilter {
  state?: ServerState;
  poolId?: string;
  hostId?: string;
  customerId?: string;
  includeDeleted?: boolean;
}

@Injectable()
export class ServerRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findInScope(scope: TenantScope, id: string, manager?: EntityManager): Promise<Server | null> {
    return (manager ?? this.db.manager)
      .getRepository(Server)
      .createQueryBuilder('s')
      .where('s.id = :id', { id })
      .andWhere(tenantWhere(scope, 's.customer_id'))
      .getOne();
  }

  /** A live (not deleted) server by its name, which is unique per customer without case. */
  async findByNameInScope(scope: TenantScope, name: string): Promise<Server | null> {
    return this.db
      .getRepository(Server)
      .createQueryBuilder('s')
      .where(`lower(s.name) = lower(:name) AND s.state <> 'deleted'`, { name })
      .andWhere(tenantWhere(scope, 's.customer_id'))
      .orderBy('s.created_at', 'ASC')
      .getOne();
  }

  /** The server row locked for the rest of the transaction: every state change and job request goes through it. */
  async lockInScope(scope: TenantScope, id: string, manager: EntityManager): Promise<Server | null> {
    return manager
      .getRepository(Server)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.id = :id', { id })
      .andWhere(tenantWhere(scope, 's.customer_id'))
      .getOne();
  }

  /** Worker side: by id (the job payload came from carve's own queue, already scoped when it was made). */
  async lockById(id: string, manager: EntityManager): Promise<Server | null> {
    return manager.getRepository(Server).createQueryBuilder('s').setLock('pessimistic_write').where('s.id = :id', { id }).getOne();
  }

  async findById(id: string): Promise<Server | null> {
    return this.db.getRepository(Server).findOne({ where: { id } });
  }

  async list(scope: TenantScope, page: PageRequest, filter: ServerFilter): Promise<Server[]> {
    const query = this.db
      .getRepository(Server)
      .createQueryBuilder('s')
      .where(tenantWhere(scope, 's.customer_id'));
    if (!filter.includeDeleted && filter.state !== 'deleted') query.andWhere(`s.state <> 'deleted'`);
    if (filter.state) query.andWhere('s.state = :state', { state: filter.state });
    if (filter.poolId) query.andWhere('s.pool_id = :poolId', { poolId: filter.poolId });
    if (filter.hostId) query.andWhere('s.host_id = :hostId', { hostId: filter.hostId });
    if (filter.customerId) query.andWhere('s.customer_id = :customerId', { customerId: filter.customerId });
    newestFirst(query, page, 's');
    return query.getMany();
  }

  /** Disks of servers, in position order, without removed ones. */
  async disksOf(serverIds: string[], manager?: EntityManager): Promise<ServerDisk[]> {
    if (serverIds.length === 0) return [];
    return (manager ?? this.db.manager)
      .getRepository(ServerDisk)
      .createQueryBuilder('d')
      .where('d.server_id IN (:...serverIds)', { serverIds })
      .andWhere(`d.state <> 'removed'`)
      .orderBy('d.position', 'ASC')
      .getMany();
  }

  /** Servers of a customer on each host, for spreading a customer's servers across hosts. */
  async customerServersPerHost(customerId: string, manager: EntityManager): Promise<Map<string, number>> {
    const rows: { host_id: string; n: string }[] = await manager.query(
      `SELECT host_id, count(*) AS n FROM servers WHERE customer_id = $1 AND state <> 'deleted' GROUP BY host_id`,
      [customerId],
    );
    return new Map(rows.map((r) => [r.host_id, Number(r.n)]));
  }

  /**
   * A new server: one INSERT (save() would first look the id up to choose between insert
   * and update). Generated columns (times, defaults) are filled in on the returned entity.
   */
  /** Servers of the pool not yet deleted: a pool with any cannot go. */
  async liveCountInPool(poolId: string, manager: EntityManager): Promise<number> {
    const rows: { count: number }[] = await manager.query(`SELECT count(*)::int AS count FROM servers WHERE pool_id = $1 AND state <> 'deleted'`, [poolId]);
    return rows[0]?.count ?? 0;
  }

  async insertServer(server: Partial<Server>, manager: EntityManager): Promise<Server> {
    const repo = manager.getRepository(Server);
    const entity = repo.create(server);
    await repo.insert(entity);
    return entity;
  }

  /** New disks in one INSERT, generated columns filled in. */
  async insertDisks(disks: Partial<ServerDisk>[], manager: EntityManager): Promise<ServerDisk[]> {
    if (disks.length === 0) return [];
    const repo = manager.getRepository(ServerDisk);
    const entities = disks.map((d) => repo.create(d));
    await repo.insert(entities);
    return entities;
  }

  async saveServer(server: Server, manager: EntityManager): Promise<Server> {
    return manager.getRepository(Server).save(server);
  }

  async saveDisk(disk: ServerDisk, manager: EntityManager): Promise<ServerDisk> {
    return manager.getRepository(ServerDisk).save(disk);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

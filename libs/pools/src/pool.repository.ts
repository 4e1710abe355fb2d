import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
// Type only: @carve/servers imports this library (PoolAllocator), so pools reads the servers table by name.
import type { ServerState } from '@carve/servers';
import { TenantScope, tenantWhere } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';
import { PoolSizeChange } from './pool-size-change.entity';
import { Pool, PoolKind } from './pool.entity';
import { PoolSizes, ZERO_SIZES } from './pool-resources';

export interface PoolFilter {
  /** Operators only: one customer's pools. */
  customerId?: string;
  kind?: PoolKind;
}

/** A server as a pool's detail lists it. */
export interface PoolServer {
  id: string;
  name: string;
  state: ServerState;
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
}

/** Pools are customer-owned: every read takes a TenantScope. */
@Injectable()
export class PoolRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private query(scope: TenantScope, manager?: EntityManager) {
    return (manager ?? this.db.manager).getRepository(Pool).createQueryBuilder('p').where(tenantWhere(scope, 'p.customer_id')).andWhere('p.deleted_at IS NULL');
  }

  async findInScope(scope: TenantScope, id: string, manager?: EntityManager): Promise<Pool | null> {
    return this.query(scope, manager).andWhere('p.id = :id', { id }).getOne();
  }

  /** The pool row locked FOR UPDATE until manager's transaction ends. */
  async lockInScope(scope: TenantScope, id: string, manager: EntityManager): Promise<Pool | null> {
    return this.query(scope, manager).andWhere('p.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async list(scope: TenantScope, page: PageRequest, filter: PoolFilter): Promise<Pool[]> {
    const query = this.query(scope);
    if (filter.customerId) query.andWhere('p.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.kind) query.andWhere('p.kind = :kind', { kind: filter.kind });
    newestFirst(query, page, 'p');
    return query.getMany();
  }

  /** Live shared pools with a monthly transfer allowance, oldest first. */
  async sharedWithTransfer(scope: TenantScope): Promise<Pool[]> {
    return this.query(scope).andWhere("p.kind = 'shared'").andWhere('p.transfer_gb > 0').orderBy('p.created_at', 'ASC').addOrderBy('p.id', 'ASC').getMany();
  }

  /** What the customer's shared pools add up to, optionally leaving one pool out (the one being resized). */
  async sharedTotals(manager: EntityManager, customerId: string, exceptPoolId?: string): Promise<PoolSizes> {
    const query = manager
      .getRepository(Pool)
      .createQueryBuilder('p')
      // SUM of integers is a bigint, which pg hands over as a string.
      .select('COALESCE(SUM(p.memory_mib), 0)::text', 'memoryMiB')
      .addSelect('COALESCE(SUM(p.vcpus), 0)::text', 'vcpus')
      .addSelect('COALESCE(SUM(p.disk_gib), 0)::text', 'diskGiB')
      .addSelect('COALESCE(SUM(p.transfer_gb), 0)::text', 'transferGB')
      .where('p.customer_id = :customerId', { customerId })
      .andWhere("p.kind = 'shared'")
      .andWhere('p.deleted_at IS NULL');
    if (exceptPoolId) query.andWhere('p.id <> :exceptPoolId', { exceptPoolId });
    const row = await query.getRawOne<Record<keyof PoolSizes, string>>();
    if (!row) return { ...ZERO_SIZES };
    return { memoryMiB: Number(row.memoryMiB), vcpus: Number(row.vcpus), diskGiB: Number(row.diskGiB), transferGB: Number(row.transferGB) };
  }

  /** The pool's servers that still exist, with their total disk. */
  async serversOf(scope: TenantScope, poolId: string): Promise<PoolServer[]> {
    const rows = await this.db
      .createQueryBuilder()
      .from('servers', 's')
      .leftJoin('server_disks', 'd', "d.server_id = s.id AND d.state <> 'removed'")
      .select('s.id', 'id')
      .addSelect('s.name', 'name')
      .addSelect('s.state', 'state')
      .addSelect('s.memory_mib', 'memoryMiB')
      .addSelect('s.vcpus', 'vcpus')
      .addSelect('COALESCE(SUM(d.size_gib), 0)::int', 'diskGiB')
      .where('s.pool_id = :poolId', { poolId })
      .andWhere("s.state <> 'deleted'")
      .andWhere(tenantWhere(scope, 's.customer_id'))
      .groupBy('s.id')
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getRawMany<PoolServer>();
    return rows;
  }

  async insert(manager: EntityManager, pool: Partial<Pool>): Promise<Pool> {
    const repo = manager.getRepository(Pool);
    return repo.save(repo.create(pool));
  }

  async save(manager: EntityManager, pool: Pool): Promise<Pool> {
    return manager.getRepository(Pool).save(pool);
  }

  /** A soft delete: the pool disappears from every query, its history stays. */
  async delete(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.getRepository(Pool).update({ id }, { deletedAt: at });
  }

  async recordSizeChange(manager: EntityManager, change: Omit<PoolSizeChange, 'id'>): Promise<void> {
    await manager.getRepository(PoolSizeChange).insert(change);
  }

  async sizeChanges(scope: TenantScope, poolId: string): Promise<PoolSizeChange[]> {
    return this.db
      .getRepository(PoolSizeChange)
      .createQueryBuilder('c')
      .where('c.pool_id = :poolId', { poolId })
      .andWhere(tenantWhere(scope, 'c.customer_id'))
      .orderBy('c.effective_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
  }

  /**
   * Moves each pool's first size back to `at` where it is later (seeding history for demos:
   * a pool made today then existed, and bills, in the months its usage is seeded for).
   * Returns how many pools moved. Never used by the API: it rewrites billing history.
   */
  async backdateFirstSizes(poolIds: readonly string[], at: Date): Promise<number> {
    if (poolIds.length === 0) return 0;
    const [, moved]: [unknown, number] = await this.db.query(
      `UPDATE pool_size_changes c SET effective_at = $2
        WHERE c.id IN (SELECT DISTINCT ON (pool_id) id FROM pool_size_changes WHERE pool_id = ANY($1::uuid[]) ORDER BY pool_id, effective_at, id)
          AND c.effective_at > $2`,
      [[...poolIds], at],
    );
    return moved;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

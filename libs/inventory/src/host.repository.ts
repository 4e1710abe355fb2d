import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { DataSource, EntityManager } from 'typeorm';
import { Host, HostStatus } from './host.entity';

export interface HostFilter {
  status?: HostStatus;
  dedicatedCustomerId?: string;
}

/** Hosts are the operator's inventory: no tenant filter, the routes are operator-only. */
@Injectable()
export class HostRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findById(id: string, manager?: EntityManager): Promise<Host | null> {
    return (manager ?? this.db.manager).getRepository(Host).findOne({ where: { id } });
  }

  /** The host row locked for the rest of the transaction: capacity changes go through here. */
  async lockById(id: string, manager: EntityManager): Promise<Host | null> {
    return manager.getRepository(Host).createQueryBuilder('h').setLock('pessimistic_write').where('h.id = :id', { id }).getOne();
  }

  /**
   * Adds to (negative amounts take from) what the host counts as allocated and how many
   * servers it holds, never below zero, in the caller's transaction: the caller has the row
   * locked (lockById), after the server and pool rows, so the order server -> pool -> host holds.
   */
  async addAllocation(manager: EntityManager, hostId: string, delta: { memoryMiB: number; vcpus: number; diskGiB: number }, servers: number): Promise<void> {
    await manager.query(
      `UPDATE hosts SET allocated_memory_mib = greatest(0, allocated_memory_mib + $2), allocated_vcpus = greatest(0, allocated_vcpus + $3),
              allocated_disk_gib = greatest(0, allocated_disk_gib + $4), server_count = greatest(0, server_count + $5), updated_at = now()
        WHERE id = $1`,
      [hostId, delta.memoryMiB, delta.vcpus, delta.diskGiB, servers],
    );
  }

  /** Active hosts a pool's servers may go on: its dedicated host (while still dedicated to the pool's customer), or every shared one. */
  async placeableFor(manager: EntityManager, pool: { kind: 'dedicated' | 'shared'; hostId: string | null; customerId: string }): Promise<Host[]> {
    const repo = manager.getRepository(Host);
    if (pool.kind === 'dedicated') {
      // The operator cannot re-dedicate the host while the pool lives, but check anyway.
      return repo.find({ where: { id: pool.hostId!, status: 'active', dedicatedCustomerId: pool.customerId } });
    }
    return repo.createQueryBuilder('h').where(`h.status = 'active'`).andWhere('h.dedicated_customer_id IS NULL').getMany();
  }

  /** Hosts that may run servers and so are metered: every one but the retired. */
  async findMetered(): Promise<Host[]> {
    return this.db.getRepository(Host).createQueryBuilder('h').where(`h.status <> 'retired'`).orderBy('h.created_at', 'ASC').getMany();
  }

  async list(page: PageRequest, filter: HostFilter): Promise<Host[]> {
    const query = this.db
      .getRepository(Host)
      .createQueryBuilder('h');
    if (filter.status) query.andWhere('h.status = :status', { status: filter.status });
    if (filter.dedicatedCustomerId) query.andWhere('h.dedicated_customer_id = :c', { c: filter.dedicatedCustomerId });
    newestFirst(query, page, 'h');
    return query.getMany();
  }

  /**
   * Who is on a host: the customer of a live dedicated pool on it, and the customers of its
   * live servers. By table name: pools and servers build on the inventory, not the reverse.
   */
  async occupants(hostId: string, manager: EntityManager): Promise<{ dedicatedPoolCustomerId: string | null; serverCustomerIds: string[] }> {
    const pools: { customer_id: string }[] = await manager.query(`SELECT customer_id FROM pools WHERE host_id = $1 AND deleted_at IS NULL`, [hostId]);
    const servers: { customer_id: string }[] = await manager.query(`SELECT DISTINCT customer_id FROM servers WHERE host_id = $1 AND state <> 'deleted'`, [hostId]);
    return { dedicatedPoolCustomerId: pools[0]?.customer_id ?? null, serverCustomerIds: servers.map((r) => r.customer_id) };
  }

  async customerExists(customerId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
    return rows.length > 0;
  }

  /** After an agent install proved itself: one guarded statement, so it cannot undo a concurrent edit of other columns. */
  async recordAgentInstall(id: string, agentVersion: string, installedAt: Date): Promise<void> {
    await this.db.query(`UPDATE hosts SET agent_version = $2, agent_installed_at = $3, updated_at = now() WHERE id = $1`, [id, agentVersion, installedAt]);
  }

  async insert(host: Partial<Host>): Promise<Host> {
    const repo = this.db.getRepository(Host);
    return repo.save(repo.create(host));
  }

  async save(host: Host, manager?: EntityManager): Promise<Host> {
    return (manager ?? this.db.manager).getRepository(Host).save(host);
  }

  /** Deletes the host only if nothing is placed on it, checked in the same statement. */
  async deleteIfEmpty(id: string): Promise<boolean> {
    // Not db.query(): for DELETE it answers [rows, rowCount], a non-empty array even when nothing matched.
    const result = await this.db.getRepository(Host).createQueryBuilder().delete().where('id = :id AND server_count = 0', { id }).execute();
    return (result.affected ?? 0) > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

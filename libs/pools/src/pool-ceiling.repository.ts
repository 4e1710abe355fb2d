import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerPoolCeiling } from './customer-pool-ceiling.entity';
import { PoolSizes } from './pool-resources';

/** Ceilings are set by operators only; the routes are operator-only, so no tenant filter here. */
@Injectable()
export class PoolCeilingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(customerId: string, manager?: EntityManager): Promise<CustomerPoolCeiling | null> {
    return (manager ?? this.db.manager).getRepository(CustomerPoolCeiling).findOne({ where: { customerId } });
  }

  /**
   * The ceiling row locked FOR UPDATE: every change to a customer's shared pool sizes
   * takes this lock first, so two concurrent resizes cannot both fit under the ceiling.
   */
  async lock(manager: EntityManager, customerId: string): Promise<CustomerPoolCeiling | null> {
    return manager.getRepository(CustomerPoolCeiling).createQueryBuilder('c').where('c.customer_id = :customerId', { customerId }).setLock('pessimistic_write').getOne();
  }

  /** Makes sure the row exists (zero ceiling), then locks it: the operator's PUT serializes with pool changes this way. */
  async lockOrCreate(manager: EntityManager, customerId: string): Promise<CustomerPoolCeiling> {
    await manager.query(
      `INSERT INTO customer_pool_ceilings (customer_id, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, 0, 0, 0, 0) ON CONFLICT (customer_id) DO NOTHING`,
      [customerId],
    );
    const row = await this.lock(manager, customerId);
    if (!row) throw new Error(`ceiling row for ${customerId} vanished inside its own transaction`);
    return row;
  }

  async save(manager: EntityManager, customerId: string, sizes: PoolSizes): Promise<CustomerPoolCeiling> {
    return manager.getRepository(CustomerPoolCeiling).save(Object.assign(new CustomerPoolCeiling(), { customerId, ...sizes }));
  }

  async customerExists(customerId: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await (manager ?? this.db.manager).query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
    return rows.length > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { DataSource, EntityManager, In } from 'typeorm';
import { TenantScope } from '../actor';
import { User } from '../entities/user.entity';
import { tenantWhere } from '../tenant-where';

@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private query(scope: TenantScope, manager?: EntityManager) {
    return (manager ?? this.db.manager)
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.deleted_at IS NULL')
      .andWhere(tenantWhere(scope, 'u.customer_id'));
  }

  async findInScope(scope: TenantScope, id: string): Promise<User | null> {
    return this.query(scope).andWhere('u.id = :id', { id }).getOne();
  }

  /** Users of exactly one tenant (customerId null = the operator's own users). */
  async listOfTenant(customerId: string | null, page: PageRequest): Promise<User[]> {
    const query = this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.deleted_at IS NULL')
      .andWhere(customerId === null ? 'u.customer_id IS NULL' : 'u.customer_id = :customerId', { customerId });
    newestFirst(query, page, 'u');
    return query.getMany();
  }

  async tenantsOf(ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.getRepository(User).find({ where: { id: In([...new Set(ids)]) }, select: { id: true, customerId: true } });
    return new Map(rows.map((u) => [u.id, u.customerId]));
  }

  async firstAdminOf(customerId: string, manager?: EntityManager): Promise<User | null> {
    return (manager ?? this.db.manager)
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.deleted_at IS NULL AND u.customer_id = :customerId AND u.role = :role', { customerId, role: 'admin' })
      .orderBy('u.created_at', 'ASC')
      .getOne();
  }

  async countOperators(manager?: EntityManager): Promise<number> {
    return (manager ?? this.db.manager).getRepository(User).count({ where: { role: 'operator' } });
  }

  async insert(user: Pick<User, 'customerId' | 'name' | 'email' | 'role'>, manager?: EntityManager): Promise<User> {
    const repo = (manager ?? this.db.manager).getRepository(User);
    return repo.save(repo.create({ ...user, deletedAt: null }));
  }

  async markDeleted(id: string, at: Date, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).getRepository(User).update({ id }, { deletedAt: at });
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

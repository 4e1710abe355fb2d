import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { DataSource, EntityManager } from 'typeorm';
import { Customer } from '../entities/customer.entity';

/** Customers are the tenants themselves: only operators list or change them, so there is no tenant filter here. */
@Injectable()
export class CustomerRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findById(id: string): Promise<Customer | null> {
    return this.db.getRepository(Customer).findOne({ where: { id } });
  }

  async list(page: PageRequest, filter: { status?: string; name?: string }): Promise<Customer[]> {
    const query = this.db
      .getRepository(Customer)
      .createQueryBuilder('c');
    if (filter.status) query.andWhere('c.status = :status', { status: filter.status });
    if (filter.name) query.andWhere('c.name ILIKE :name', { name: `%${filter.name.replace(/[%_\\]/g, '\\$&')}%` });
    newestFirst(query, page, 'c');
    return query.getMany();
  }

  async insert(customer: Pick<Customer, 'name' | 'contactEmail' | 'taxRate'>, manager: EntityManager): Promise<Customer> {
    const repo = manager.getRepository(Customer);
    return repo.save(repo.create({ ...customer, status: 'active' }));
  }

  async save(customer: Customer): Promise<Customer> {
    return this.db.getRepository(Customer).save(customer);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

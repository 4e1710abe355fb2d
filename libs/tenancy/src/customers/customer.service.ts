import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { PG_CHECK_VIOLATION, pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { Customer, CustomerStatus } from '../entities/customer.entity';
import { IssuedToken, TokenService } from '../tokens/token.service';
import { UserRepository } from '../users/user.repository';
import { toUserView, UserView } from '../users/user.service';
import { CustomerRepository } from './customer.repository';

export interface CustomerView {
  id: string;
  name: string;
  contactEmail: string | null;
  status: CustomerStatus;
  /** "0.10": a fraction, 0 <= rate < 1. */
  taxRate: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toCustomerView(c: Customer): CustomerView {
  return { id: c.id, name: c.name, contactEmail: c.contactEmail, status: c.status, taxRate: c.taxRate, createdAt: c.createdAt, updatedAt: c.updatedAt };
}

function duplicateName(name: string): ConflictError {
  return new ConflictError('duplicate_customer_name', `A customer named "${name}" already exists (names are compared without case).`, {
    fields: [{ field: 'name', message: 'is already taken' }],
  });
}

/** The schema's CHECK on tax_rate (0 <= rate < 1) as the input error it stands for; the API refuses such a rate before it gets here. */
function taxRateRefused(error: unknown): unknown {
  if (pgErrorCode(error) === PG_CHECK_VIOLATION && pgConstraint(error) === 'customers_tax_rate_check') {
    return new InvalidInputError([{ field: 'taxRate', message: 'must be from 0 up to but not including 1' }]);
  }
  return error;
}

/** What the operator does with customer accounts. */
@Injectable()
export class CustomerService {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly users: UserRepository,
    private readonly tokens: TokenService,
  ) {}

  /** Opens an account with its first admin user, so the operator can hand out a token next. */
  async create(input: { name: string; contactEmail?: string; taxRate?: string; adminName: string; adminEmail: string }): Promise<CustomerView & { admin: UserView }> {
    try {
      return await this.customers.transaction(async (manager) => {
        const customer = await this.customers.insert({ name: input.name, contactEmail: input.contactEmail ?? null, taxRate: input.taxRate ?? '0' }, manager);
        const admin = await this.users.insert({ customerId: customer.id, name: input.adminName, email: input.adminEmail, role: 'admin' }, manager);
        return { ...toCustomerView(customer), admin: toUserView(admin) };
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'customers_name_key') throw duplicateName(input.name);
      throw taxRateRefused(error);
    }
  }

  async list(page: PageRequest, filter: { status?: CustomerStatus; name?: string }): Promise<Page<CustomerView>> {
    return toPage(await this.customers.list(page, filter), page.limit, toCustomerView);
  }

  async get(id: string): Promise<CustomerView> {
    return toCustomerView(await this.require(id));
  }

  /** A new tax rate applies to every invoice issued after the change (the month in progress included); issued invoices keep the rate they were issued with. */
  async update(id: string, changes: { name?: string; contactEmail?: string | null; status?: CustomerStatus; taxRate?: string }): Promise<CustomerView> {
    const customer = await this.require(id);
    Object.assign(customer, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
    try {
      return toCustomerView(await this.customers.save(customer));
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'customers_name_key') throw duplicateName(customer.name);
      throw taxRateRefused(error);
    }
  }

  /** A token for the customer's first admin: how an operator hands an account over. */
  async issueAdminToken(id: string, input: { name: string; expiresAt?: Date }): Promise<IssuedToken> {
    await this.require(id);
    const admin = await this.users.firstAdminOf(id);
    if (!admin) throw new ConflictError('no_admin_user', 'This customer has no admin user left; create the customer again or restore a user.');
    return this.tokens.issue(admin, input.name, input.expiresAt);
  }

  private async require(id: string): Promise<Customer> {
    const customer = await this.customers.findById(id);
    if (!customer) throw new NotFoundError('customer', id);
    return customer;
  }
}

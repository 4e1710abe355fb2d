import { Injectable } from '@nestjs/common';
import { Clock, ConflictError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { Actor, scopeOf } from '../actor';
import { User, UserRole } from '../entities/user.entity';
import { ApiTokenRepository } from '../tokens/api-token.repository';
import { UserRepository } from './user.repository';

export interface UserView {
  id: string;
  customerId: string | null;
  name: string;
  email: string;
  role: UserRole;
  createdAt: Date;
}

export function toUserView(u: User): UserView {
  return { id: u.id, customerId: u.customerId, name: u.name, email: u.email, role: u.role, createdAt: u.createdAt };
}

/** The users of the caller's own tenant. Operators manage operator users here; customers' admins their own. */
@Injectable()
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: ApiTokenRepository,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, page: PageRequest): Promise<Page<UserView>> {
    return toPage(await this.users.listOfTenant(actor.customerId, page), page.limit, toUserView);
  }

  async get(actor: Actor, id: string): Promise<UserView> {
    return toUserView(await this.requireOwnTenantUser(actor, id));
  }

  async create(actor: Actor, input: { name: string; email: string; role?: 'admin' | 'viewer' }): Promise<UserView> {
    // The role follows from the tenant: operators add operators, customers add admins or viewers.
    const role: UserRole = actor.customerId === null ? 'operator' : (input.role ?? 'viewer');
    try {
      return toUserView(await this.users.insert({ customerId: actor.customerId, name: input.name, email: input.email, role }));
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'users_email_key') {
        throw new ConflictError('duplicate_email', `A user with email ${input.email} already exists in this account.`, {
          fields: [{ field: 'email', message: 'is already taken' }],
        });
      }
      throw error;
    }
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const user = await this.requireOwnTenantUser(actor, id);
    if (user.id === actor.userId) {
      throw new ConflictError('cannot_remove_self', 'You cannot remove your own user; ask another admin to do it.');
    }
    const now = this.clock.now();
    await this.users.transaction(async (manager) => {
      await this.users.markDeleted(user.id, now, manager);
      await this.tokens.revokeAllOfUser(user.id, now, manager);
    });
  }

  /**
   * Whose each user is: its customer's id, or null for the operator's (deleted users
   * included: the audit trail outlives them). Unknown ids are absent.
   */
  tenantsOfUsers(ids: readonly string[]): Promise<Map<string, string | null>> {
    return this.users.tenantsOf(ids);
  }

  private async requireOwnTenantUser(actor: Actor, id: string): Promise<User> {
    const user = await this.users.findInScope(scopeOf(actor), id);
    if (!user || user.customerId !== actor.customerId) throw new NotFoundError('user', id);
    return user;
  }
}

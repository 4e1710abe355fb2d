import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { TenantScope } from '../actor';
import { ApiToken } from '../entities/api-token.entity';
import { User } from '../entities/user.entity';
import { tenantWhere } from '../tenant-where';

export interface TokenOwner {
  token: ApiToken;
  user: User;
  /** The status of the user's customer; null for operators. */
  customerStatus: string | null;
}

@Injectable()
export class ApiTokenRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The token whose secret hashes to this value, with its user; null if unknown. No tenant scope: this IS how the tenant is found. */
  async findByHash(secretHash: string): Promise<TokenOwner | null> {
    return this.ownerOf(await this.db.getRepository(ApiToken).findOne({ where: { secretHash } }));
  }

  /** The token by id with its user, as findByHash: for re-checking a caller that authenticated earlier (long-lived streams). */
  async findById(id: string): Promise<TokenOwner | null> {
    return this.ownerOf(await this.db.getRepository(ApiToken).findOne({ where: { id } }));
  }

  private async ownerOf(token: ApiToken | null): Promise<TokenOwner | null> {
    if (!token) return null;
    const user = await this.db.getRepository(User).findOne({ where: { id: token.userId } });
    if (!user) return null;
    const customer: { status: string }[] = user.customerId ? await this.db.query('SELECT status FROM customers WHERE id = $1', [user.customerId]) : [];
    return { token, user, customerStatus: customer[0]?.status ?? null };
  }

  /** Each known token's tenant (null: an operator token), in one query; unknown ids are absent. */
  async tenantsOf(ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.getRepository(ApiToken).find({ where: { id: In([...new Set(ids)]) }, select: { id: true, customerId: true } });
    return new Map(rows.map((t) => [t.id, t.customerId]));
  }

  async list(scope: TenantScope, page: PageRequest, userId?: string): Promise<ApiToken[]> {
    const query = this.db
      .getRepository(ApiToken)
      .createQueryBuilder('t')
      .where(tenantWhere(scope, 't.customer_id'));
    if (userId) query.andWhere('t.user_id = :userId', { userId });
    newestFirst(query, page, 't');
    return query.getMany();
  }

  async findInScope(scope: TenantScope, id: string): Promise<ApiToken | null> {
    return this.db
      .getRepository(ApiToken)
      .createQueryBuilder('t')
      .where('t.id = :id', { id })
      .andWhere(tenantWhere(scope, 't.customer_id'))
      .getOne();
  }

  async insert(token: Omit<ApiToken, 'id' | 'createdAt' | 'lastUsedAt' | 'revokedAt'>, manager?: EntityManager): Promise<ApiToken> {
    const repo = (manager ?? this.db.manager).getRepository(ApiToken);
    return repo.save(repo.create({ ...token, lastUsedAt: null, revokedAt: null }));
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.db.getRepository(ApiToken).update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }

  async revokeAllOfUser(userId: string, at: Date, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).getRepository(ApiToken).update({ userId, revokedAt: IsNull() }, { revokedAt: at });
  }

  /**
   * Records use at most once a minute per token, so authentication is not a write on every request.
   * The cast matters: without it PostgreSQL infers `$2 - interval` as interval arithmetic and fails.
   */
  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE api_tokens SET last_used_at = $2::timestamptz WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, at],
    );
  }
}


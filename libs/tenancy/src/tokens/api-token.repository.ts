import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { TenantScope } from '../actor';
import { ApiToken } from '../entities/api-token.entity';
import { User, UserRole } from '../entities/user.entity';
import { tenantWhere } from '../tenant-where';

export interface TokenOwner {
  token: ApiToken;
  user: User;
  /** The status of the user's customer; null for operators. */
  customerStatus: string | null;
}

interface OwnerRow {
  t_id: string;
  t_user_id: string;
  t_customer_id: string | null;
  t_name: string;
  t_prefix: string;
  t_created_at: Date;
  t_last_used_at: Date | null;
  t_expires_at: Date | null;
  t_revoked_at: Date | null;
  u_id: string;
  u_customer_id: string | null;
  u_name: string;
  u_email: string;
  u_role: UserRole;
  u_created_at: Date;
  u_deleted_at: Date | null;
  customer_status: string | null;
}

/** How often a token's last use is written: authentication is not a write on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class ApiTokenRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The token whose secret hashes to this value, with its user; null if unknown. No tenant scope: this IS how the tenant is found. */
  async findByHash(secretHash: string): Promise<TokenOwner | null> {
    return this.findOwner('t.secret_hash = $1', secretHash);
  }

  /** The token by id with its user, as findByHash: for re-checking a caller that authenticated earlier (long-lived streams). */
  async findById(id: string): Promise<TokenOwner | null> {
    return this.findOwner('t.id = $1', id);
  }

  /** Token, user and the customer's status in one statement: every authenticated request runs this, so it is one round trip, not three. */
  private async findOwner(where: 't.secret_hash = $1' | 't.id = $1', value: string): Promise<TokenOwner | null> {
    const rows: OwnerRow[] = await this.db.query(
      `SELECT t.id AS t_id, t.user_id AS t_user_id, t.customer_id AS t_customer_id, t.name AS t_name, t.prefix AS t_prefix,
              t.created_at AS t_created_at, t.last_used_at AS t_last_used_at, t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at,
              u.id AS u_id, u.customer_id AS u_customer_id, u.name AS u_name, u.email AS u_email, u.role AS u_role,
              u.created_at AS u_created_at, u.deleted_at AS u_deleted_at, c.status AS customer_status
         FROM api_tokens t
         JOIN users u ON u.id = t.user_id
         LEFT JOIN customers c ON c.id = u.customer_id
        WHERE ${where}`,
      [value],
    );
    const r = rows[0];
    if (!r) return null;
    const token = this.db.getRepository(ApiToken).create({
      id: r.t_id,
      userId: r.t_user_id,
      customerId: r.t_customer_id,
      name: r.t_name,
      prefix: r.t_prefix,
      createdAt: r.t_created_at,
      lastUsedAt: r.t_last_used_at,
      expiresAt: r.t_expires_at,
      revokedAt: r.t_revoked_at,
    });
    const user = this.db.getRepository(User).create({
      id: r.u_id,
      customerId: r.u_customer_id,
      name: r.u_name,
      email: r.u_email,
      role: r.u_role,
      createdAt: r.u_created_at,
      deletedAt: r.u_deleted_at,
    });
    return { token, user, customerStatus: r.customer_status };
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
   * Records use at most once a minute per token (LAST_USED_RESOLUTION_MS), so authentication is not a write on every request.
   * The cast matters: without it PostgreSQL infers `$2 - interval` as interval arithmetic and fails.
   */
  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE api_tokens SET last_used_at = $2::timestamptz WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, at],
    );
  }
}


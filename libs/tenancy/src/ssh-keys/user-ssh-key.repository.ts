import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { TenantScope } from '../actor';
import { UserSshKey } from '../entities/user-ssh-key.entity';
import { UserRole } from '../entities/user.entity';
import { tenantWhere } from '../tenant-where';

/** A key with what the gateway needs to decide about its owner, read in one statement. */
export interface SshKeyOwner {
  key: UserSshKey;
  userId: string;
  customerId: string | null;
  role: UserRole;
}

/** How many keys one user may hold: a bound on what the gateway compares per login. */
export const MAX_KEYS_PER_USER = 50;

@Injectable()
export class UserSshKeyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private query(scope: TenantScope) {
    return this.db.getRepository(UserSshKey).createQueryBuilder('k').where(tenantWhere(scope, 'k.customer_id'));
  }

  /** Every key of one user, oldest first (a user has at most MAX_KEYS_PER_USER, so no pages). */
  async listOfUser(scope: TenantScope, userId: string): Promise<UserSshKey[]> {
    return this.query(scope).andWhere('k.user_id = :userId', { userId }).orderBy('k.created_at', 'ASC').addOrderBy('k.id', 'ASC').getMany();
  }

  async findOfUser(scope: TenantScope, userId: string, id: string): Promise<UserSshKey | null> {
    return this.query(scope).andWhere('k.user_id = :userId AND k.id = :id', { userId, id }).getOne();
  }

  async countOfUser(userId: string): Promise<number> {
    return this.db.getRepository(UserSshKey).count({ where: { userId } });
  }

  async insert(key: Pick<UserSshKey, 'userId' | 'customerId' | 'name' | 'keyType' | 'bits' | 'publicKey' | 'fingerprint'>): Promise<UserSshKey> {
    const repo = this.db.getRepository(UserSshKey);
    return repo.save(repo.create({ ...key, lastUsedAt: null }));
  }

  async remove(id: string): Promise<void> {
    await this.db.getRepository(UserSshKey).delete({ id });
  }

  /**
   * The keys with this fingerprint whose users may log in now (not deleted, account not
   * suspended), oldest first. No tenant scope: this IS how the gateway finds the tenant.
   */
  async usableByFingerprint(fingerprint: string): Promise<SshKeyOwner[]> {
    const rows: { id: string; role: UserRole }[] = await this.db.query(
      `SELECT k.id, u.role
         FROM user_ssh_keys k
         JOIN users u ON u.id = k.user_id AND u.deleted_at IS NULL
         LEFT JOIN customers c ON c.id = u.customer_id
        WHERE k.fingerprint = $1 AND (c.id IS NULL OR c.status <> 'suspended')
        ORDER BY k.created_at, k.id`,
      [fingerprint],
    );
    if (rows.length === 0) return [];
    const keys = await this.db.getRepository(UserSshKey).find({ where: { id: In(rows.map((r) => r.id)) } });
    const byId = new Map(keys.map((k) => [k.id, k]));
    return rows.flatMap((r) => {
      const key = byId.get(r.id);
      return key ? [{ key, userId: key.userId, customerId: key.customerId, role: r.role }] : [];
    });
  }

  /** Of these key ids, the ones that no longer exist or whose user may no longer log in: for ending the sessions they opened. */
  async unusableOf(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.db.query(
      `SELECT k.id
         FROM user_ssh_keys k
         JOIN users u ON u.id = k.user_id AND u.deleted_at IS NULL
         LEFT JOIN customers c ON c.id = u.customer_id
        WHERE k.id = ANY($1::uuid[]) AND (c.id IS NULL OR c.status <> 'suspended')`,
      [[...new Set(ids)]],
    );
    const usable = new Set(rows.map((r) => r.id));
    return new Set(ids.filter((id) => !usable.has(id)));
  }

  /** The public key lines of every user of one customer, oldest first: what rescue mode authorises. */
  async linesOfCustomer(customerId: string): Promise<string[]> {
    const rows: { public_key: string }[] = await this.db.query(
      `SELECT k.public_key
         FROM user_ssh_keys k
         JOIN users u ON u.id = k.user_id AND u.deleted_at IS NULL
        WHERE k.customer_id = $1
        ORDER BY k.created_at, k.id`,
      [customerId],
    );
    return [...new Set(rows.map((r) => r.public_key))];
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE user_ssh_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`, [id, at]);
  }
}

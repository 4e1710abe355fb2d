import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An API token. Only a SHA-256 of the secret is kept; the token itself is shown once. */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'user_id' })
  userId: string;

  /** Copied from the user so every tenant-scoped query can filter on it directly. */
  @Column({ type: 'uuid', name: 'customer_id', nullable: true })
  customerId: string | null;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The visible part, `carve_<prefix>_...`, for telling tokens apart in lists. */
  @Column({ type: 'varchar', length: 8 })
  prefix: string;

  @Column({ type: 'char', length: 64, name: 'secret_hash', select: false })
  secretHash: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}

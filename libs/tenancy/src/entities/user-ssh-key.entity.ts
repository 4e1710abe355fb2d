import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An OpenSSH public key registered on a user: the console gateway's login, rescue mode's authorized_keys. */
@Entity('user_ssh_keys')
export class UserSshKey {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'user_id' }) userId: string;
  /** Copied from the user so every tenant-scoped query can filter on it directly; null for operators' keys. */
  @Column({ type: 'uuid', name: 'customer_id', nullable: true }) customerId: string | null;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 64, name: 'key_type' }) keyType: string;
  @Column({ type: 'integer' }) bits: number;
  /** The normalised `type base64 [comment]` line (see libs/core's parseSshPublicKey). */
  @Column({ type: 'text', name: 'public_key' }) publicKey: string;
  /** `SHA256:` and the unpadded base64 of the key blob's SHA-256, as `ssh-keygen -l` prints it. */
  @Column({ type: 'varchar', length: 64 }) fingerprint: string;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true }) lastUsedAt: Date | null;
}

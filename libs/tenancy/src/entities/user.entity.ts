import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * `operator` users belong to the hosting operator (customerId null) and see everything;
 * `admin` and `viewer` belong to one customer: admins read and write within it, viewers read.
 */
export type UserRole = 'operator' | 'admin' | 'viewer';
export const USER_ROLES: readonly UserRole[] = ['operator', 'admin', 'viewer'];
export const CUSTOMER_ROLES = ['admin', 'viewer'] as const;

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'customer_id', nullable: true })
  customerId: string | null;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  role: UserRole;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}

import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type CustomerStatus = 'active' | 'suspended';

/** A tenant: a reseller's customer. Everything a customer owns carries its id. */
@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 254, name: 'contact_email', nullable: true })
  contactEmail: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: CustomerStatus;

  /** Charged on each invoice's subtotal, as a fraction (0 <= rate < 1): "0.10" is 10% GST. A decimal string, as PostgreSQL's numeric keeps it. */
  @Column({ type: 'numeric', name: 'tax_rate', default: 0 })
  taxRate: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}

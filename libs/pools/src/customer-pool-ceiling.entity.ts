import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The most a customer's shared pools may add up to, set by the operator. No row: no shared pools yet. */
@Entity('customer_pool_ceilings')
export class CustomerPoolCeiling {
  @PrimaryColumn({ type: 'uuid', name: 'customer_id' }) customerId: string;
  @Column({ type: 'integer', name: 'memory_mib' }) memoryMiB: number;
  @Column({ type: 'integer' }) vcpus: number;
  @Column({ type: 'integer', name: 'disk_gib' }) diskGiB: number;
  @Column({ type: 'integer', name: 'transfer_gb' }) transferGB: number;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}

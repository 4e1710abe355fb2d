import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A pool's size from `effectiveAt` on. Billing prorates a month over these rows. */
@Entity('pool_size_changes')
export class PoolSizeChange {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'pool_id' }) poolId: string;
  @Column({ type: 'uuid', name: 'customer_id' }) customerId: string;
  @Column({ type: 'integer', name: 'memory_mib' }) memoryMiB: number;
  @Column({ type: 'integer' }) vcpus: number;
  @Column({ type: 'integer', name: 'disk_gib' }) diskGiB: number;
  @Column({ type: 'integer', name: 'transfer_gb' }) transferGB: number;
  @Column({ type: 'timestamptz', name: 'effective_at' }) effectiveAt: Date;
  @Column({ type: 'uuid', name: 'changed_by_user_id', nullable: true }) changedByUserId: string | null;
}

import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type PoolKind = 'shared' | 'dedicated';

/** How a shared pool's bandwidth is billed: its transfer allowance and overage, or the 95th percentile of its 5-minute rates. */
export const POOL_BILLING_MODES = ['transfer', 'p95'] as const;
export type PoolBillingMode = (typeof POOL_BILLING_MODES)[number];

/**
 * RAM, vCPUs, disk and monthly transfer a customer bought, split across its servers as it
 * likes. Shared pools place servers on any active shared host; a dedicated pool is one
 * dedicated host's whole allocatable capacity. allocated_* only change under the pool's
 * row lock, in the transaction that reserves or releases a server's resources.
 */
@Entity('pools')
export class Pool {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'customer_id' }) customerId: string;
  @Column({ type: 'varchar', length: 63 }) name: string;
  @Column({ type: 'varchar', length: 16 }) kind: PoolKind;
  @Column({ type: 'uuid', name: 'host_id', nullable: true }) hostId: string | null;
  @Column({ type: 'integer', name: 'memory_mib' }) memoryMiB: number;
  @Column({ type: 'integer' }) vcpus: number;
  @Column({ type: 'integer', name: 'disk_gib' }) diskGiB: number;
  /** Shared by every server of the pool, not per server. */
  @Column({ type: 'integer', name: 'transfer_gb' }) transferGB: number;
  @Column({ type: 'integer', name: 'allocated_memory_mib', default: 0 }) allocatedMemoryMiB: number;
  @Column({ type: 'integer', name: 'allocated_vcpus', default: 0 }) allocatedVcpus: number;
  @Column({ type: 'integer', name: 'allocated_disk_gib', default: 0 }) allocatedDiskGiB: number;
  @Column({ type: 'integer', name: 'server_count', default: 0 }) serverCount: number;
  /** Shared pools; read by the invoice run when it bills a period, so a change applies to the whole of the next invoice. */
  @Column({ type: 'text', default: 'transfer' }) billing: PoolBillingMode;
  /** Dedicated pools: the monthly rent, a decimal string in major units of the price book's currency, set by the operator; null: not billed. */
  @Column({ type: 'numeric', name: 'monthly_price', nullable: true }) monthlyPrice: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
  /** Set when the customer deletes the pool; the row and its size history stay for billing. */
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true }) deletedAt: Date | null;
}

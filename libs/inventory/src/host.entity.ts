import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export const HOST_STATUSES = ['active', 'draining', 'maintenance', 'retired'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

/**
 * A rented Dom0. The allocated_* columns are the sum of what servers placed on it
 * reserve; placement updates them under a row lock in the same transaction that
 * reserves pool headroom, so concurrent orders cannot oversubscribe a host.
 */
@Entity('hosts')
export class Host {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 63 })
  name: string;

  @Column({ type: 'varchar', length: 253, name: 'ssh_address' })
  sshAddress: string;

  @Column({ type: 'integer', name: 'ssh_port', default: 22 })
  sshPort: number;

  @Column({ type: 'varchar', length: 32, name: 'ssh_user', default: 'root' })
  sshUser: string;

  /** `SHA256:...` as `ssh-keygen -lf` prints it; checked before authenticating. */
  @Column({ type: 'varchar', length: 50, name: 'host_key_fingerprint' })
  hostKeyFingerprint: string;

  @Column({ type: 'integer', name: 'cpu_threads' })
  cpuThreads: number;

  /** vCPUs that may be allocated per hardware thread, e.g. "4.00". Decimal, kept as a string. */
  @Column({ type: 'numeric', precision: 5, scale: 2, name: 'vcpu_overcommit_ratio', default: '4.00' })
  vcpuOvercommitRatio: string;

  @Column({ type: 'integer', name: 'total_memory_mib' })
  totalMemoryMiB: number;

  /** The host's `dom0_mem`: held back for Dom0, never allocated to servers. */
  @Column({ type: 'integer', name: 'dom0_memory_mib' })
  dom0MemoryMiB: number;

  @Column({ type: 'varchar', length: 64, name: 'volume_group' })
  volumeGroup: string;

  @Column({ type: 'integer', name: 'volume_group_size_gib' })
  volumeGroupSizeGiB: number;

  @Column({ type: 'integer', name: 'transfer_allowance_gb' })
  transferAllowanceGB: number;

  @Column({ type: 'integer', name: 'uplink_mbit' })
  uplinkMbit: number;

  @Column({ type: 'bigint', name: 'monthly_cost_minor', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  monthlyCostMinor: number;

  /** ISO 4217 code; monthly_cost_minor is in its minor unit (cents for EUR). */
  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  location: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: HostStatus;

  /** Set when the whole host is rented to one customer, who subdivides it. */
  @Column({ type: 'uuid', name: 'dedicated_customer_id', nullable: true })
  dedicatedCustomerId: string | null;

  @Column({ type: 'integer', name: 'allocated_memory_mib', default: 0 })
  allocatedMemoryMiB: number;

  @Column({ type: 'integer', name: 'allocated_disk_gib', default: 0 })
  allocatedDiskGiB: number;

  @Column({ type: 'integer', name: 'allocated_vcpus', default: 0 })
  allocatedVcpus: number;

  @Column({ type: 'integer', name: 'server_count', default: 0 })
  serverCount: number;

  /** The Dom0 agent version the last install proved over carve's key; null until one did. */
  @Column({ type: 'varchar', length: 32, name: 'agent_version', nullable: true })
  agentVersion: string | null;

  @Column({ type: 'timestamptz', name: 'agent_installed_at', nullable: true })
  agentInstalledAt: Date | null;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}

import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const SERVER_STATES = ['pending', 'provisioning', 'running', 'stopped', 'entering_rescue', 'rescue', 'leaving_rescue', 'failed', 'deleting', 'deleted'] as const;
export type ServerState = (typeof SERVER_STATES)[number];

/** A customer's DomU. `domainName` is its name on the Dom0, unique per host. */
@Entity('servers')
export class Server {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'customer_id' }) customerId: string;
  @Column({ type: 'uuid', name: 'pool_id' }) poolId: string;
  @Column({ type: 'uuid', name: 'host_id' }) hostId: string;
  @Column({ type: 'uuid', name: 'image_id' }) imageId: string;
  @Column({ type: 'varchar', length: 40 }) name: string;
  @Column({ type: 'varchar', length: 63, name: 'domain_name' }) domainName: string;
  @Column({ type: 'varchar', length: 16 }) state: ServerState;
  /** What the server is configured with (and what pool and host reserve for it). */
  @Column({ type: 'integer', name: 'memory_mib' }) memoryMiB: number;
  @Column({ type: 'integer', name: 'max_memory_mib' }) maxMemoryMiB: number;
  @Column({ type: 'integer' }) vcpus: number;
  @Column({ type: 'integer', name: 'max_vcpus' }) maxVcpus: number;
  /** Credit2 cap, % of one CPU (0 = none, at most 100 x vcpus); kept across boots, root switches and moves. */
  @Column({ type: 'integer', name: 'cpu_cap_percent', default: 0 }) cpuCapPercent: number;
  /** Credit2 weight, 1..65535 (256 is xl's default). */
  @Column({ type: 'integer', name: 'cpu_weight', default: 256 }) cpuWeight: number;
  /** vif `rate=` on the guest's outgoing traffic, whole Mbit/s; null = unlimited. */
  @Column({ type: 'integer', name: 'network_rate_mbit', nullable: true }) networkRateMbit: number | null;
  /** Parsed, normalised OpenSSH key lines (comments with shell metacharacters dropped). */
  @Column({ type: 'text', array: true, name: 'ssh_public_keys' }) sshPublicKeys: string[];
  @Column({ type: 'uuid', name: 'active_root_disk_id', nullable: true }) activeRootDiskId: string | null;
  /** A change is in the config file but waits for the next boot. */
  @Column({ type: 'boolean', name: 'pending_reboot', default: false }) pendingReboot: boolean;
  /** True while pool and host count this server's resources; released exactly once. */
  @Column({ type: 'boolean', name: 'holds_reservation', default: true }) holdsReservation: boolean;
  @Column({ type: 'text', name: 'failure_reason', nullable: true }) failureReason: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true }) deletedAt: Date | null;
}

import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type DriftKind = 'unknown_domain' | 'server_not_running' | 'orphan_volume' | 'stuck_job' | 'host_unreachable';

/** A difference between carve's view and a host, open until the reconciler stops seeing it. */
@Entity('drift_findings')
export class DriftFinding {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'host_id' }) hostId: string;
  @Column({ type: 'varchar', length: 32 }) kind: DriftKind;
  @Column({ type: 'varchar', length: 255 }) subject: string;
  @Column({ type: 'jsonb', default: {} }) details: Record<string, unknown>;
  @Column({ type: 'timestamptz', name: 'first_seen_at' }) firstSeenAt: Date;
  @Column({ type: 'timestamptz', name: 'last_seen_at' }) lastSeenAt: Date;
  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true }) resolvedAt: Date | null;
}

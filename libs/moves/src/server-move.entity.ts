import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const MOVE_STATUSES = ['queued', 'running', 'switched', 'succeeded', 'failed'] as const;
export type MoveStatus = (typeof MOVE_STATUSES)[number];
/** A move still holding something: the server's lane runs it, or its target still has what it built. */
export const UNFINISHED_MOVE_STATUSES: readonly MoveStatus[] = ['queued', 'running', 'switched'];

/** One volume's copy as the move job recorded it. */
export interface MovedVolume {
  diskId: string;
  volumeName: string;
  bytes: number;
  /** sha256 of the bytes the worker streamed, and of the LV read on each host. */
  streamedSha256?: string;
  sourceSha256?: string;
  targetSha256?: string;
  seconds?: number;
}

/**
 * A server's move from one host to another. `switched`: it runs on the target (the server
 * row says so) and the source is being cleaned up. The target's capacity is held by the
 * move (`target_reserved`) until the switch hands it to the server, or the undo gives it back.
 */
@Entity('server_moves')
export class ServerMove {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'server_id' }) serverId: string;
  @Column({ type: 'uuid', name: 'customer_id' }) customerId: string;
  @Column({ type: 'uuid', name: 'job_id', nullable: true }) jobId: string | null;
  @Column({ type: 'uuid', name: 'drain_id', nullable: true }) drainId: string | null;
  @Column({ type: 'uuid', name: 'source_host_id' }) sourceHostId: string;
  @Column({ type: 'uuid', name: 'target_host_id' }) targetHostId: string;
  @Column({ type: 'text' }) status: MoveStatus;
  @Column({ type: 'boolean', name: 'was_running' }) wasRunning: boolean;
  @Column({ type: 'integer', name: 'memory_mib' }) memoryMiB: number;
  @Column({ type: 'integer' }) vcpus: number;
  @Column({ type: 'integer', name: 'disk_gib' }) diskGiB: number;
  @Column({ type: 'boolean', name: 'target_reserved', default: true }) targetReserved: boolean;
  @Column({ type: 'jsonb', default: [] }) volumes: MovedVolume[];
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ type: 'uuid', name: 'requested_by_user_id', nullable: true }) requestedByUserId: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true }) finishedAt: Date | null;
}

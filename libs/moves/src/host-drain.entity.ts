import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A server a drain could not move when it was asked, and why. */
export interface NotMovedServer {
  serverId: string;
  name: string;
  reason: string;
  code: string;
}

/** Moving every server off a host: the host is `draining` while it runs; its moves name it. */
@Entity('host_drains')
export class HostDrain {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'host_id' }) hostId: string;
  @Column({ type: 'text' }) status: 'running' | 'finished';
  @Column({ type: 'text', name: 'previous_host_status' }) previousHostStatus: string;
  @Column({ type: 'uuid', name: 'requested_by_user_id', nullable: true }) requestedByUserId: string | null;
  @Column({ type: 'jsonb', name: 'not_moved', default: [] }) notMoved: NotMovedServer[];
  @Column({ type: 'timestamptz', name: 'started_at' }) startedAt: Date;
  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true }) finishedAt: Date | null;
}

import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobStep {
  name: string;
  status: 'pending' | 'running' | 'succeeded' | 'skipped' | 'failed';
  startedAt?: string;
  finishedAt?: string;
  /** The command lines this step ran on the Dom0. */
  commands?: string[];
  /** What the step found or decided, e.g. "volume already present with 10 GiB". */
  note?: string;
  error?: string;
}

/** The record customers and operators see in the jobs queue; BullMQ only carries its id. */
@Entity('jobs')
export class Job {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Order of asking within a server's lane. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) seq: number;
  @Column({ type: 'uuid', name: 'customer_id', nullable: true }) customerId: string | null;
  @Column({ type: 'uuid', name: 'server_id', nullable: true }) serverId: string | null;
  @Column({ type: 'uuid', name: 'host_id', nullable: true }) hostId: string | null;
  /** The second host of a job that works on two (a move's target); its lease is held too. */
  @Column({ type: 'uuid', name: 'target_host_id', nullable: true }) targetHostId: string | null;
  @Column({ type: 'varchar', length: 32 }) type: string;
  @Column({ type: 'jsonb', default: {} }) params: Record<string, unknown>;
  @Column({ type: 'varchar', length: 12 }) status: JobStatus;
  @Column({ type: 'jsonb', default: [] }) steps: JobStep[];
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ type: 'varchar', length: 64, name: 'error_code', nullable: true }) errorCode: string | null;
  @Column({ type: 'uuid', name: 'requested_by_user_id', nullable: true }) requestedByUserId: string | null;
  @Column({ type: 'varchar', length: 128, name: 'worker_id', nullable: true }) workerId: string | null;
  /** The current run: a worker writes steps and the outcome only while the job is still its run. */
  @Column({ type: 'uuid', name: 'run_id', nullable: true }) runId: string | null;
  @Column({ type: 'timestamptz', name: 'dispatched_at', nullable: true }) dispatchedAt: Date | null;
  @Column({ type: 'timestamptz', name: 'started_at', nullable: true }) startedAt: Date | null;
  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true }) finishedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
  /** Bumped on every change, so followers can wait for "anything newer than N". */
  @Column({ type: 'integer', default: 1 }) version: number;
}

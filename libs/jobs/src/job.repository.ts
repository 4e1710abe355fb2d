import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { TenantScope, tenantWhere } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';
import { Job, JobStatus } from './job.entity';

export interface JobFilter {
  status?: JobStatus;
  hostId?: string;
  customerId?: string;
  serverId?: string;
}

type JobChanges = Partial<Pick<Job, 'status' | 'steps' | 'attempts' | 'error' | 'errorCode' | 'workerId' | 'startedAt' | 'finishedAt' | 'dispatchedAt'>>;

const COLUMNS: Record<keyof JobChanges, string> = {
  status: 'status',
  steps: 'steps',
  attempts: 'attempts',
  error: 'error',
  errorCode: 'error_code',
  workerId: 'worker_id',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  dispatchedAt: 'dispatched_at',
};

@Injectable()
export class JobRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(job: Pick<Job, 'customerId' | 'serverId' | 'hostId' | 'type' | 'params' | 'requestedByUserId'>, manager: EntityManager): Promise<Job> {
    const repo = manager.getRepository(Job);
    const saved = await repo.save(repo.create({ ...job, status: 'queued', steps: [], attempts: 0 }));
    return (await repo.findOneByOrFail({ id: saved.id }))!;
  }

  /** Worker side: the job by id, whoever owns it (the payload came from carve's own queue). */
  async findById(id: string): Promise<Job | null> {
    return this.db.getRepository(Job).findOne({ where: { id } });
  }

  async findInScope(scope: TenantScope, id: string): Promise<Job | null> {
    return this.db.getRepository(Job).createQueryBuilder('j').where('j.id = :id', { id }).andWhere(tenantWhere(scope, 'j.customer_id')).getOne();
  }

  /** Newest first, like a pending jobs queue. */
  async list(scope: TenantScope, page: PageRequest, filter: JobFilter): Promise<Job[]> {
    const query = this.db
      .getRepository(Job)
      .createQueryBuilder('j')
      .where(tenantWhere(scope, 'j.customer_id'));
    if (filter.status) query.andWhere('j.status = :status', { status: filter.status });
    if (filter.hostId) query.andWhere('j.host_id = :hostId', { hostId: filter.hostId });
    if (filter.customerId) query.andWhere('j.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.serverId) query.andWhere('j.server_id = :serverId', { serverId: filter.serverId });
    newestFirst(query, page, 'j');
    return query.getMany();
  }

  /** The unfinished jobs of a server in the order they were asked, locked for the rest of the transaction. */
  async lockLane(serverId: string, manager: EntityManager): Promise<Pick<Job, 'id' | 'status' | 'dispatchedAt' | 'type' | 'customerId' | 'hostId'>[]> {
    const rows: { id: string; status: JobStatus; dispatched_at: Date | null; type: string; customer_id: string | null; host_id: string | null }[] = await manager.query(
      `SELECT id, status, dispatched_at, type, customer_id, host_id FROM jobs
        WHERE server_id = $1 AND status IN ('queued', 'running') ORDER BY seq FOR UPDATE`,
      [serverId],
    );
    return rows.map((r) => ({ id: r.id, status: r.status, dispatchedAt: r.dispatched_at, type: r.type, customerId: r.customer_id, hostId: r.host_id }));
  }

  /** Applies changes and bumps the version followers wait on. Returns the job as it now is. */
  async update(id: string, changes: JobChanges, manager?: EntityManager, onlyIfStatus?: JobStatus[]): Promise<Job | null> {
    const entries = Object.entries(changes) as [keyof JobChanges, unknown][];
    const sets = entries.map(([key], i) => `${COLUMNS[key]} = $${i + 2}`);
    const values = entries.map(([key, value]) => (key === 'steps' ? JSON.stringify(value) : value));
    const guard = onlyIfStatus ? ` AND status = ANY($${values.length + 2})` : '';
    const rows: { id: string }[][] = await (manager ?? this.db.manager).query(
      `UPDATE jobs SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1${guard} RETURNING id`,
      [id, ...values, ...(onlyIfStatus ? [onlyIfStatus] : [])],
    );
    if ((rows[0] ?? []).length === 0 && onlyIfStatus) return null;
    return (manager ?? this.db.manager).getRepository(Job).findOne({ where: { id } });
  }

  async hasUnfinished(serverId: string, type: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM jobs WHERE server_id = $1 AND type = $2 AND status IN ('queued', 'running') LIMIT 1`, [serverId, type]);
    return rows.length > 0;
  }

  /** Cancels a job no worker has started (queued, never attempted). Null when it is too late. */
  async cancelIfNotStarted(id: string, at: Date, manager: EntityManager): Promise<Job | null> {
    const [rows] = (await manager.query(
      `UPDATE jobs SET status = 'cancelled', finished_at = $2, error = 'cancelled before it started', version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'queued' AND attempts = 0 RETURNING id`,
      [id, at],
    )) as [{ id: string }[], number];
    return rows.length > 0 ? manager.getRepository(Job).findOne({ where: { id } }) : null;
  }

  /** The first unfinished job of every server lane: what the reconciler checks is really on its way. */
  async laneHeads(): Promise<{ serverId: string; jobId: string; status: JobStatus; dispatchedAt: Date | null; workerId: string | null }[]> {
    const rows: { server_id: string; id: string; status: JobStatus; dispatched_at: Date | null; worker_id: string | null }[] = await this.db.query(
      `SELECT DISTINCT ON (server_id) server_id, id, status, dispatched_at, worker_id FROM jobs
        WHERE server_id IS NOT NULL AND status IN ('queued', 'running') ORDER BY server_id, seq`,
    );
    return rows.map((r) => ({ serverId: r.server_id, jobId: r.id, status: r.status, dispatchedAt: r.dispatched_at, workerId: r.worker_id }));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

import { Injectable } from '@nestjs/common';
import { newestFirst } from '@carve/database';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { TenantScope, tenantWhere } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';
import { Job, JobStatus, JobStep } from './job.entity';
import { StaleRunError } from './job-errors';
import { jobFromRow, JobRow } from './job-row';

export interface JobFilter {
  status?: JobStatus;
  hostId?: string;
  customerId?: string;
  serverId?: string;
}

export type JobChanges = Partial<Pick<Job, 'status' | 'steps' | 'attempts' | 'error' | 'errorCode' | 'workerId' | 'startedAt' | 'finishedAt' | 'dispatchedAt'>>;

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

/** The head of a server's lane, claimed for handing to BullMQ (its dispatched_at is now set). */
export interface ClaimedJob {
  id: string;
  type: string;
  customerId: string | null;
  serverId: string;
  hostId: string | null;
  targetHostId: string | null;
}

interface ClaimedRow {
  id: string;
  type: string;
  customer_id: string | null;
  server_id: string;
  host_id: string | null;
  target_host_id: string | null;
}

/**
 * Claims the head of a lane in one statement: the oldest unfinished job of the server is
 * row-locked, and marked dispatched only if it is queued and not yet handed over. Two
 * callers racing for one lane serialize on the head's row lock; the second finds
 * dispatched_at set and claims nothing. PostgreSQL rechecks a locked row that changed
 * meanwhile (a head that just finished drops out and the next job is taken), and keeps
 * the partial index's status condition in that recheck because the rows are locked.
 * `$exclude` leaves out a job finishing in the same statement (its old row is still visible).
 */
const CLAIM_HEAD = (serverParam: string, excludeParam: string | null, atParam: string): string => `
  head AS (
    SELECT id FROM jobs
     WHERE server_id = ${serverParam} AND status IN ('queued', 'running')${excludeParam ? ` AND id <> ${excludeParam}` : ''}
     ORDER BY seq LIMIT 1 FOR UPDATE
  ),
  claimed AS (
    UPDATE jobs j SET dispatched_at = ${atParam}, version = j.version + 1, updated_at = now()
      FROM head WHERE j.id = head.id AND j.status = 'queued' AND j.dispatched_at IS NULL
    RETURNING j.id, j.type, j.customer_id, j.server_id, j.host_id, j.target_host_id
  )`;

/** TypeORM answers an UPDATE with [rows, affected count]; the rows RETURNING gave. */
async function updateReturning<R>(manager: EntityManager, sql: string, params: unknown[]): Promise<R[]> {
  const [rows] = (await manager.query(sql, params)) as [R[], number];
  return rows;
}

function toClaimed(row: ClaimedRow | undefined): ClaimedJob | null {
  return row ? { id: row.id, type: row.type, customerId: row.customer_id, serverId: row.server_id, hostId: row.host_id, targetHostId: row.target_host_id } : null;
}

@Injectable()
export class JobRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(job: Pick<Job, 'customerId' | 'serverId' | 'hostId' | 'type' | 'params' | 'requestedByUserId'> & { targetHostId?: string | null }, manager: EntityManager): Promise<Job> {
    // One round trip: the row as inserted (id, seq, defaults) comes back with the insert.
    const rows: JobRow[] = await manager.query(
      `INSERT INTO jobs (customer_id, server_id, host_id, type, params, status, steps, attempts, requested_by_user_id, target_host_id)
       VALUES ($1, $2, $3, $4, $5, 'queued', '[]', 0, $6, $7) RETURNING *`,
      [job.customerId, job.serverId, job.hostId, job.type, JSON.stringify(job.params), job.requestedByUserId, job.targetHostId ?? null],
    );
    return jobFromRow(rows[0]!);
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

  /** Applies changes and bumps the version followers wait on. Returns the job as it now is (null when the status guard refused). */
  async update(id: string, changes: JobChanges, manager?: EntityManager, onlyIfStatus?: JobStatus[]): Promise<Job | null> {
    const rows = await this.write<JobRow>(id, changes, 'RETURNING *', manager, onlyIfStatus);
    return rows[0] ? jobFromRow(rows[0]) : null;
  }

  /** Like update, for callers that do not need the row back: true when the job was changed. */
  async change(id: string, changes: JobChanges, manager?: EntityManager, onlyIfStatus?: JobStatus[]): Promise<boolean> {
    return (await this.write<{ id: string }>(id, changes, 'RETURNING id', manager, onlyIfStatus)).length > 0;
  }

  /** A worker's recorded steps, as they now are (progress followers see); only while the job is still that worker's run. */
  async saveSteps(id: string, steps: JobStep[], runId: string): Promise<void> {
    await this.changeInRun(id, runId, { steps });
  }

  /** Changes a running job on behalf of one run of it; StaleRunError when the run was taken over. */
  async changeInRun(id: string, runId: string, changes: JobChanges): Promise<void> {
    const entries = Object.entries(changes) as [keyof JobChanges, unknown][];
    const sets = entries.map(([key], i) => `${COLUMNS[key]} = $${i + 3}`);
    const values = entries.map(([key, value]) => (key === 'steps' ? JSON.stringify(value) : value));
    const rows = await updateReturning<{ id: string }>(
      this.db.manager,
      `UPDATE jobs SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1 AND run_id = $2 AND status = 'running' RETURNING id`,
      [id, runId, ...values],
    );
    if (rows.length === 0) throw new StaleRunError(id);
  }

  /**
   * A worker takes the job: running, its attempt and worker, the first start time kept
   * across attempts; only while it is queued or running (a cancelled or finished job is
   * left alone and null comes back).
   */
  async markRunning(id: string, attempt: { number: number; workerId: string; at: Date }): Promise<Job | null> {
    const rows = await updateReturning<JobRow>(
      this.db.manager,
      `UPDATE jobs SET status = 'running', attempts = $2, worker_id = $3, run_id = gen_random_uuid(), error = NULL, error_code = NULL,
              started_at = COALESCE(started_at, $4), version = version + 1, updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING *`,
      [id, attempt.number, attempt.workerId, attempt.at],
    );
    return rows[0] ? jobFromRow(rows[0]) : null;
  }

  /**
   * Marks the head of the server's lane dispatched if it is queued and not yet handed
   * over, and returns it for the queue; null when there is nothing to hand over.
   */
  async claimLaneHead(serverId: string, at: Date): Promise<ClaimedJob | null> {
    const rows: ClaimedRow[] = await this.db.query(`WITH ${CLAIM_HEAD('$1::uuid', null, '$2::timestamptz')} SELECT * FROM claimed`, [serverId, at]);
    return toClaimed(rows[0]);
  }

  /**
   * Ends a job (succeeded or failed) and claims the next job of its lane in one atomic
   * statement, so a lane never waits for a second round of locking to move on.
   */
  async finishAndClaimNext(id: string, changes: JobChanges & { status: 'succeeded' | 'failed'; finishedAt: Date }, runId?: string): Promise<ClaimedJob | null> {
    const entries = Object.entries(changes) as [keyof JobChanges, unknown][];
    const sets = entries.map(([key], i) => `${COLUMNS[key]} = $${i + 2}`);
    const values = entries.map(([key, value]) => (key === 'steps' ? JSON.stringify(value) : value));
    const at = `$${values.length + 2}::timestamptz`;
    // With a run id, only that run may end the job (a run taken over by another worker may not).
    const inRun = runId ? ` AND run_id = $${values.length + 3} AND status = 'running'` : '';
    const rows: (ClaimedRow & { finished: number })[] = await this.db.query(
      `WITH done AS (
         UPDATE jobs SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1${inRun} RETURNING server_id
       ),
       ${CLAIM_HEAD('(SELECT server_id FROM done)', '$1::uuid', at)}
       SELECT d.finished, c.* FROM (SELECT count(*)::int AS finished FROM done) d LEFT JOIN claimed c ON true`,
      [id, ...values, changes.finishedAt, ...(runId ? [runId] : [])],
    );
    if (runId && rows[0]?.finished === 0) throw new StaleRunError(id);
    return rows[0]?.id ? toClaimed(rows[0]) : null;
  }

  private async write<R>(id: string, changes: JobChanges, returning: string, manager?: EntityManager, onlyIfStatus?: JobStatus[]): Promise<R[]> {
    const entries = Object.entries(changes) as [keyof JobChanges, unknown][];
    const sets = entries.map(([key], i) => `${COLUMNS[key]} = $${i + 2}`);
    const values = entries.map(([key, value]) => (key === 'steps' ? JSON.stringify(value) : value));
    const guard = onlyIfStatus ? ` AND status = ANY($${values.length + 2})` : '';
    return updateReturning<R>(
      manager ?? this.db.manager,
      `UPDATE jobs SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1${guard} ${returning}`,
      [id, ...values, ...(onlyIfStatus ? [onlyIfStatus] : [])],
    );
  }

  /**
   * A server changed host (a move switched it): its jobs not yet started follow it, so
   * the lane hands them to the new host's lease and Dom0. `except` is the job switching it.
   */
  async followServerToHost(manager: EntityManager, serverId: string, hostId: string, except: string): Promise<number> {
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE jobs SET host_id = $2, version = version + 1, updated_at = now()
        WHERE server_id = $1 AND id <> $3 AND status = 'queued' AND host_id IS DISTINCT FROM $2 RETURNING id`,
      [serverId, hostId, except],
    );
    return rows.length;
  }

  async hasUnfinished(serverId: string, type: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM jobs WHERE server_id = $1 AND type = $2 AND status IN ('queued', 'running') LIMIT 1`, [serverId, type]);
    return rows.length > 0;
  }

  /**
   * Whether an earlier job of the same server has run (or is running) since this one was
   * asked: it may have acted on the server as this request left it. Earlier jobs still
   * waiting to start have not.
   */
  async ranBehindEarlierJobs(job: Pick<Job, 'serverId' | 'seq' | 'createdAt'>, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM jobs WHERE server_id = $1 AND seq < $2 AND status <> 'cancelled'
          AND (attempts > 0 OR status <> 'queued') AND (finished_at IS NULL OR finished_at > $3) LIMIT 1`,
      [job.serverId, job.seq, job.createdAt],
    );
    return rows.length > 0;
  }

  /** Cancels a job no worker has started (queued, never attempted). Null when it is too late. */
  async cancelIfNotStarted(id: string, at: Date, manager: EntityManager): Promise<Job | null> {
    const rows = await updateReturning<JobRow>(
      manager,
      `UPDATE jobs SET status = 'cancelled', finished_at = $2, error = 'cancelled before it started', version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'queued' AND attempts = 0 RETURNING *`,
      [id, at],
    );
    return rows[0] ? jobFromRow(rows[0]) : null;
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

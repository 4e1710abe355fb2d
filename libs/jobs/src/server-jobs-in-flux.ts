import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Servers whose jobs may still change (or just changed) what is on a host. */
export interface ServerJobsInFlux {
  /** Servers with a job queued, running, or finished since the given time. */
  inFlux: Set<string>;
  /** Of those, the ones with a move naming the host as source or target. */
  movingOn: Set<string>;
}

/**
 * The jobs read model the reconciler uses (it does not read the jobs table by name): which
 * servers' jobs are unsettled around the time a host was listed.
 */
@Injectable()
export class ServerJobsInFluxReader {
  /**
   * In the caller's transaction, so it can share one snapshot with the servers it is compared with.
   * @param finishedSince jobs finished after this may have changed the host after it was listed
   */
  async around(manager: EntityManager, hostId: string, finishedSince: Date): Promise<ServerJobsInFlux> {
    const rows: { server_id: string; moving_on: boolean }[] = await manager.query(
      `SELECT server_id, bool_or(target_host_id IS NOT NULL AND (host_id = $1 OR target_host_id = $1)) AS moving_on
         FROM jobs
        WHERE server_id IS NOT NULL AND (status IN ('queued', 'running') OR finished_at >= $2)
        GROUP BY server_id`,
      [hostId, finishedSince],
    );
    return { inFlux: new Set(rows.map((r) => r.server_id)), movingOn: new Set(rows.filter((r) => r.moving_on).map((r) => r.server_id)) };
  }
}

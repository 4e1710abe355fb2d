import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Host } from '@carve/inventory';
import type { DiskState, ServerState } from '@carve/servers';
import { DataSource, In, Not } from 'typeorm';
import type { HostServerView } from './host-view';

/** A server's jobs that may still change (or just changed) what is on its host. */
const IN_FLUX = `EXISTS (SELECT 1 FROM jobs j WHERE j.server_id = s.id AND (j.status IN ('queued', 'running') OR j.finished_at >= $2))`;
/**
 * A server moving between this host and another (a move's job names both, `host_id` and
 * `target_host_id`), or just moved: what it has on either host is the move's to settle,
 * not drift (the target's new volumes are no orphans; the source's are not yet).
 */
const MOVING_HERE = `EXISTS (SELECT 1 FROM jobs j WHERE j.server_id = s.id AND j.target_host_id IS NOT NULL AND (j.host_id = $1 OR j.target_host_id = $1)
                        AND (j.status IN ('queued', 'running') OR j.finished_at >= $2))`;
const DELETED_LATELY = `(s.state = 'deleted' AND COALESCE(s.deleted_at, s.updated_at) >= $3)`;

/** Reads carve's side of the comparison: hosts to look at, and the servers and disks each should hold. */
@Injectable()
export class HostViewRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every host that is not retired, or the given ones (still never retired hosts). */
  async hostsToProbe(hostIds?: string[]): Promise<Host[]> {
    return this.db.getRepository(Host).find({
      where: { status: Not('retired'), ...(hostIds ? { id: In(hostIds) } : {}) },
      order: { createdAt: 'ASC' },
    });
  }

  /**
   * The servers that own something on the host: every server not deleted, plus deleted
   * ones still in flux or deleted since `deletedSince`.
   * @param jobsFinishedSince jobs finished after this may have changed the host after it was listed
   */
  async serversOn(hostId: string, jobsFinishedSince: Date, deletedSince: Date): Promise<HostServerView[]> {
    const rows: { id: string; customer_id: string; domain_name: string; state: ServerState; in_flux: boolean; recently_deleted: boolean }[] = await this.db.query(
      `SELECT s.id, s.customer_id, s.domain_name, s.state, ${IN_FLUX} AS in_flux, ${DELETED_LATELY} AS recently_deleted
         FROM servers s
        WHERE (s.host_id = $1 AND (s.state <> 'deleted' OR ${DELETED_LATELY} OR ${IN_FLUX})) OR ${MOVING_HERE}`,
      [hostId, jobsFinishedSince, deletedSince],
    );
    if (rows.length === 0) return [];
    const disks: { id: string; server_id: string; volume_name: string; state: DiskState }[] = await this.db.query(
      `SELECT id, server_id, volume_name, state FROM server_disks WHERE server_id = ANY($1::uuid[])`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      domainName: r.domain_name,
      state: r.state,
      inFlux: r.in_flux,
      recentlyDeleted: r.recently_deleted,
      disks: disks.filter((d) => d.server_id === r.id).map((d) => ({ id: d.id, volumeName: d.volume_name, state: d.state })),
    }));
  }

  /** Which carve disks (of any state, deleted servers included) once had these LV names: shown on orphan findings. */
  async formerOwners(hostId: string, volumeNames: string[]): Promise<Map<string, { serverId: string; diskId: string; serverState: string; diskState: string }>> {
    if (volumeNames.length === 0) return new Map();
    const rows: { volume_name: string; server_id: string; disk_id: string; server_state: string; disk_state: string }[] = await this.db.query(
      `SELECT DISTINCT ON (d.volume_name) d.volume_name, d.server_id, d.id AS disk_id, s.state AS server_state, d.state AS disk_state
         FROM server_disks d JOIN servers s ON s.id = d.server_id
        WHERE s.host_id = $1 AND d.volume_name = ANY($2::text[])
        ORDER BY d.volume_name, d.created_at DESC`,
      [hostId, volumeNames],
    );
    return new Map(rows.map((r) => [r.volume_name, { serverId: r.server_id, diskId: r.disk_id, serverState: r.server_state, diskState: r.disk_state }]));
  }
}

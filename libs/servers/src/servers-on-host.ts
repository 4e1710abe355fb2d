import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { DiskState } from './server-disk.entity';
import type { ServerState } from './server.entity';

/** A server as what it owns on a host: its domain and its disks' volumes. */
export interface ServerOnHost {
  id: string;
  customerId: string;
  domainName: string;
  state: ServerState;
  /** Deleted since the `deletedSince` asked for. */
  recentlyDeleted: boolean;
  disks: { id: string; volumeName: string; state: DiskState }[];
}

export interface FormerOwner {
  serverId: string;
  diskId: string;
  serverState: string;
  diskState: string;
}

/**
 * The servers read model the reconciler uses (it does not read the servers tables by
 * name): what carve's servers hold on a host, and who once held a volume there.
 */
@Injectable()
export class ServersOnHost {
  /**
   * Every server on the host not deleted, those deleted since `deletedSince`, the ones in
   * `alsoOnHost` in any state, and the servers in `alsoAnywhere` wherever they are (a move names both hosts).
   */
  async list(manager: EntityManager, hostId: string, options: { deletedSince: Date; alsoOnHost: string[]; alsoAnywhere: string[] }): Promise<ServerOnHost[]> {
    const deletedLately = `(s.state = 'deleted' AND COALESCE(s.deleted_at, s.updated_at) >= $2)`;
    const rows: { id: string; customer_id: string; domain_name: string; state: ServerState; recently_deleted: boolean }[] = await manager.query(
      `SELECT s.id, s.customer_id, s.domain_name, s.state, ${deletedLately} AS recently_deleted
         FROM servers s
        WHERE (s.host_id = $1 AND (s.state <> 'deleted' OR ${deletedLately} OR s.id = ANY($3::uuid[]))) OR s.id = ANY($4::uuid[])`,
      [hostId, options.deletedSince, options.alsoOnHost, options.alsoAnywhere],
    );
    if (rows.length === 0) return [];
    const disks: { id: string; server_id: string; volume_name: string; state: DiskState }[] = await manager.query(
      `SELECT id, server_id, volume_name, state FROM server_disks WHERE server_id = ANY($1::uuid[])`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      domainName: r.domain_name,
      state: r.state,
      recentlyDeleted: r.recently_deleted,
      disks: disks.filter((d) => d.server_id === r.id).map((d) => ({ id: d.id, volumeName: d.volume_name, state: d.state })),
    }));
  }

  /** Which carve disks (of any state, deleted servers included) on the host once had these LV names, the newest for each. */
  async formerOwners(manager: EntityManager, hostId: string, volumeNames: string[]): Promise<Map<string, FormerOwner>> {
    if (volumeNames.length === 0) return new Map();
    const rows: { volume_name: string; server_id: string; disk_id: string; server_state: string; disk_state: string }[] = await manager.query(
      `SELECT DISTINCT ON (d.volume_name) d.volume_name, d.server_id, d.id AS disk_id, s.state AS server_state, d.state AS disk_state
         FROM server_disks d JOIN servers s ON s.id = d.server_id
        WHERE s.host_id = $1 AND d.volume_name = ANY($2::text[])
        ORDER BY d.volume_name, d.created_at DESC`,
      [hostId, volumeNames],
    );
    return new Map(rows.map((r) => [r.volume_name, { serverId: r.server_id, diskId: r.disk_id, serverState: r.server_state, diskState: r.disk_state }]));
  }
}

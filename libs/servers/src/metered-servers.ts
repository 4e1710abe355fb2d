import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What metering needs to attribute a Dom0's readings to carve's servers: who owns a domain and its volumes. */
export interface MeteredServer {
  id: string;
  customerId: string;
  poolId: string;
  domainName: string;
  /** LV names of the server's disks that exist on the host (not removed). */
  volumeNames: string[];
}

/**
 * The servers read model metering uses (metering does not read the servers tables by
 * name): the servers that may have a domain on a host right now. Deleted servers have
 * none; a domain of theirs still listed is reported as unknown by the reconciler.
 */
@Injectable()
export class MeteredServers {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onHost(hostId: string): Promise<MeteredServer[]> {
    const rows: { id: string; customer_id: string; pool_id: string; domain_name: string; volume_names: string[] | null }[] = await this.db.query(
      `SELECT s.id, s.customer_id, s.pool_id, s.domain_name,
              array_agg(d.volume_name ORDER BY d.position) FILTER (WHERE d.id IS NOT NULL) AS volume_names
         FROM servers s LEFT JOIN server_disks d ON d.server_id = s.id AND d.state <> 'removed'
        WHERE s.host_id = $1 AND s.state <> 'deleted'
        GROUP BY s.id`,
      [hostId],
    );
    return rows.map((r) => ({ id: r.id, customerId: r.customer_id, poolId: r.pool_id, domainName: r.domain_name, volumeNames: r.volume_names ?? [] }));
  }

  /** For seeding and replays: the owner and pool of servers by id. */
  async byIds(ids: string[]): Promise<Map<string, Omit<MeteredServer, 'volumeNames'> & { hostId: string }>> {
    const rows: { id: string; customer_id: string; pool_id: string; domain_name: string; host_id: string }[] = await this.db.query(
      `SELECT id, customer_id, pool_id, domain_name, host_id FROM servers WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, customerId: r.customer_id, poolId: r.pool_id, domainName: r.domain_name, hostId: r.host_id }]));
  }
}

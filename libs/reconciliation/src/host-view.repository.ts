import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Host } from '@carve/inventory';
import { ServerJobsInFluxReader } from '@carve/jobs';
import { FormerOwner, ServersOnHost } from '@carve/servers';
import { DataSource, In, Not } from 'typeorm';
import type { HostServerView } from './host-view';

/**
 * Reads carve's side of the comparison: hosts to look at, and the servers and disks each
 * should hold, through the servers' and jobs' own read models.
 */
@Injectable()
export class HostViewRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly servers: ServersOnHost,
    private readonly jobs: ServerJobsInFluxReader,
  ) {}

  /** Every host that is not retired, or the given ones (still never retired hosts). */
  async hostsToProbe(hostIds?: string[]): Promise<Host[]> {
    return this.db.getRepository(Host).find({
      where: { status: Not('retired'), ...(hostIds ? { id: In(hostIds) } : {}) },
      order: { createdAt: 'ASC' },
    });
  }

  /**
   * The servers that own something on the host: every server not deleted, plus deleted
   * ones still in flux or deleted since `deletedSince`, plus servers moving between this
   * host and another, or just moved (what they have on either host is the move's to
   * settle, not drift). Jobs and servers are read in one snapshot (REPEATABLE READ), so a
   * job that finishes between the two reads cannot leave its server looking settled.
   * @param jobsFinishedSince jobs finished after this may have changed the host after it was listed
   */
  async serversOn(hostId: string, jobsFinishedSince: Date, deletedSince: Date): Promise<HostServerView[]> {
    return this.db.transaction('REPEATABLE READ', async (manager) => {
      const { inFlux, movingOn } = await this.jobs.around(manager, hostId, jobsFinishedSince);
      const servers = await this.servers.list(manager, hostId, { deletedSince, alsoOnHost: [...inFlux], alsoAnywhere: [...movingOn] });
      return servers.map((s) => ({ ...s, inFlux: inFlux.has(s.id) }));
    });
  }

  /** Which carve disks (of any state, deleted servers included) once had these LV names: shown on orphan findings. */
  async formerOwners(hostId: string, volumeNames: string[]): Promise<Map<string, FormerOwner>> {
    return this.servers.formerOwners(this.db.manager, hostId, volumeNames);
  }
}

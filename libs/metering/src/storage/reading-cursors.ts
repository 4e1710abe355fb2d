import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Counters } from '../usage';

/** A volume's own device counters: they live as long as the LV, not the domain, so they are diffed per volume. */
export interface VolumeTicks {
  readTicksMs: number;
  writeTicksMs: number;
  queueTicksMs: number;
}

/** The last reading of a server that was turned into usage: where the next delta starts. */
export interface ServerCursor {
  serverId: string;
  hostId: string;
  domid: number;
  readAt: number;
  /** Domain counters (CPU, VBD, vif); the tick counters are zero here and kept per volume. */
  counters: Counters;
  volumes: Record<string, VolumeTicks>;
  memoryMiB: number;
  /** When this domid started, to within one interval: the reading before the one that first saw it. */
  domainSince: number;
}

/** A physical disk's counters at the host's last reading. */
export interface DiskCounters {
  ioTicksMs: number;
  readIos: number;
  writeIos: number;
  readSectors: number;
  writeSectors: number;
}

export interface HostCursor {
  hostId: string;
  readAt: number;
  disks: Record<string, DiskCounters>;
}

export interface HostDiskSample {
  hostId: string;
  from: number;
  to: number;
  kind: 'measured' | 'gap';
  diskCount: number;
  busyMs: number;
  busiestDiskBusyMs: number;
  readIos: number;
  writeIos: number;
  readSectors: number;
  writeSectors: number;
}

/**
 * The collector's memory, in PostgreSQL and written in the same transaction as the usage
 * it produced: a worker killed mid-batch leaves the previous cursor and no usage, so the
 * next reading's delta covers both intervals and nothing is lost or counted twice.
 */
@Injectable()
export class ReadingCursors {
  /** The host's cursor, locked; one transaction per host reading at a time. */
  async lockHost(manager: EntityManager, hostId: string): Promise<HostCursor | undefined> {
    const [row]: { read_at: Date; disks: Record<string, DiskCounters> }[] = await manager.query(
      `SELECT read_at, disks FROM metering_host_cursors WHERE host_id = $1 FOR UPDATE`,
      [hostId],
    );
    return row ? { hostId, readAt: new Date(row.read_at).getTime(), disks: row.disks } : undefined;
  }

  async saveHost(manager: EntityManager, cursor: HostCursor, collectedAt: Date): Promise<void> {
    await manager.query(
      `INSERT INTO metering_host_cursors (host_id, read_at, disks, collected_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (host_id) DO UPDATE SET read_at = EXCLUDED.read_at, disks = EXCLUDED.disks, collected_at = EXCLUDED.collected_at`,
      [cursor.hostId, new Date(cursor.readAt), JSON.stringify(cursor.disks), collectedAt],
    );
  }

  async lockServers(manager: EntityManager, serverIds: readonly string[]): Promise<Map<string, ServerCursor>> {
    if (serverIds.length === 0) return new Map();
    const rows: { server_id: string; host_id: string; domid: number; read_at: Date; counters: { domain: Counters; volumes: Record<string, VolumeTicks>; since?: number }; memory_mib: number }[] =
      await manager.query(`SELECT * FROM metering_server_cursors WHERE server_id = ANY($1::uuid[]) ORDER BY server_id FOR UPDATE`, [[...serverIds]]);
    return new Map(
      rows.map((r) => [
        r.server_id,
        { serverId: r.server_id, hostId: r.host_id, domid: r.domid, readAt: new Date(r.read_at).getTime(), counters: r.counters.domain, volumes: r.counters.volumes, memoryMiB: r.memory_mib, domainSince: r.counters.since ?? new Date(r.read_at).getTime() },
      ]),
    );
  }

  async saveServers(manager: EntityManager, cursors: readonly ServerCursor[]): Promise<void> {
    if (cursors.length === 0) return;
    await manager.query(
      `INSERT INTO metering_server_cursors (server_id, host_id, domid, read_at, counters, memory_mib)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::jsonb[], $6::int[])
       ON CONFLICT (server_id) DO UPDATE SET host_id = EXCLUDED.host_id, domid = EXCLUDED.domid, read_at = EXCLUDED.read_at,
         counters = EXCLUDED.counters, memory_mib = EXCLUDED.memory_mib`,
      [
        cursors.map((c) => c.serverId),
        cursors.map((c) => c.hostId),
        cursors.map((c) => c.domid),
        cursors.map((c) => new Date(c.readAt)),
        cursors.map((c) => JSON.stringify({ domain: c.counters, volumes: c.volumes, since: c.domainSince })),
        cursors.map((c) => c.memoryMiB),
      ],
    );
  }

  async insertHostDisk(manager: EntityManager, sample: HostDiskSample): Promise<void> {
    await manager.query(
      `INSERT INTO host_disk_samples (host_id, interval_start, interval_end, kind, disk_count, busy_ms, busiest_disk_busy_ms, read_ios, write_ios, read_sectors, write_sectors)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (host_id, interval_start) DO NOTHING`,
      [sample.hostId, new Date(sample.from), new Date(sample.to), sample.kind, sample.diskCount, sample.busyMs, sample.busiestDiskBusyMs, sample.readIos, sample.writeIos, sample.readSectors, sample.writeSectors],
    );
  }
}

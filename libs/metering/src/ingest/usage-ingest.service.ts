import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock } from '@carve/core';
import type { MeteredServer } from '@carve/servers';
import type { MeteringReading } from '@carve/xen';
import { DataSource, EntityManager } from 'typeorm';
import { MeteringPartitions } from '../storage/metering-partitions';
import { DiskCounters, HostCursor, HostDiskSample, ReadingCursors, ServerCursor } from '../storage/reading-cursors';
import { ServerLoss, ServerSpan, UsageStore } from '../storage/usage-store';
import { assertSpan, DEFAULT_GAP_FACTOR, UsageSpan } from '../usage';
import { advanceServer, attributeReading, diskCountersOf } from './reading-attribution';

export interface HostIngestResult {
  /** The reading was older than (or the same as) the host's last one: nothing was written. */
  duplicate: boolean;
  spans: number;
  gaps: number;
  losses: number;
  /** Names of domains on the host that carve has no server for. */
  unknownDomains: { name: string; domid: number; memoryMiB: number; vcpus: number; state: string }[];
}

/** Usage handed in as spans (seeding history, billing replays) instead of counter readings. */
export interface SpanBatch {
  server: Pick<MeteredServer, 'id' | 'customerId' | 'poolId'>;
  hostId: string;
  spans: UsageSpan[];
}

/**
 * The one path usage takes into carve: a host reading becomes per-server spans (deltas
 * from each server's cursor), losses, host disk busy time and rollups, in one transaction
 * per host reading; spans given directly (seeds, replays) go through the same writes.
 */
@Injectable()
export class UsageIngest {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly partitions: MeteringPartitions,
    private readonly cursors: ReadingCursors,
    private readonly store: UsageStore,
    private readonly clock: Clock,
  ) {}

  async ingestHostReading(hostId: string, reading: MeteringReading, servers: readonly MeteredServer[], intervalMs: number): Promise<HostIngestResult> {
    const attribution = attributeReading(reading, servers);
    const unknownDomains = attribution.unknown.map((d) => ({ name: d.name, domid: d.domid, memoryMiB: d.memoryMiB, vcpus: d.vcpus, state: d.state.summary }));
    const result: HostIngestResult = { duplicate: false, spans: 0, gaps: 0, losses: 0, unknownDomains };
    // Partitions are created outside the transaction (DDL takes strong locks); a gap span may reach back days.
    const earliest = await this.earliestCursor(hostId, attribution.domains.map((d) => d.server.id));
    const now = this.clock.now();
    await this.partitions.ensure(new Date(Math.min(earliest ?? reading.hostTimeMs, reading.hostTimeMs) - intervalMs), new Date(reading.hostTimeMs), now);

    await this.db.transaction(async (manager) => {
      const hostCursor = await this.cursors.lockHost(manager, hostId);
      if (hostCursor && reading.hostTimeMs <= hostCursor.readAt) {
        result.duplicate = true;
        return;
      }
      const cursors = await this.cursors.lockServers(manager, attribution.domains.map((d) => d.server.id));
      const spans: ServerSpan[] = [];
      const losses: ServerLoss[] = [];
      const nextCursors: ServerCursor[] = [];
      for (const domain of attribution.domains) {
        const advance = advanceServer(cursors.get(domain.server.id), domain, hostId, hostCursor?.readAt, intervalMs);
        if (!advance.cursor) continue;
        nextCursors.push(advance.cursor);
        if (advance.span) spans.push({ serverId: domain.server.id, hostId, customerId: domain.server.customerId, poolId: domain.server.poolId, span: advance.span });
        if (advance.loss) losses.push({ serverId: domain.server.id, hostId, loss: advance.loss });
      }
      const inserted = await this.insertKept(manager, spans, now);
      await this.store.addToRollups(manager, inserted, (table) => this.partitions.keptFrom(table, now));
      await this.store.insertLosses(manager, losses);
      await this.cursors.saveServers(manager, nextCursors);
      const disks = diskCountersOf(reading);
      if (hostCursor) await this.cursors.insertHostDisk(manager, hostDiskSample(hostCursor, disks, reading.hostTimeMs, intervalMs));
      await this.cursors.saveHost(manager, { hostId, readAt: reading.hostTimeMs, disks }, this.clock.now());
      result.spans = inserted.length;
      result.gaps = inserted.filter((s) => s.span.kind === 'gap').length;
      result.losses = losses.length;
    });
    return result;
  }

  /** Spans given directly; each (server, start) is stored once, so a batch can be sent again safely. Returns how many were new. */
  async ingestSpans(batches: readonly SpanBatch[]): Promise<number> {
    const rows: ServerSpan[] = batches.flatMap((b) =>
      b.spans.map((span, i) => {
        assertSpan(span, `spans[${i}]`);
        return { serverId: b.server.id, hostId: b.hostId, customerId: b.server.customerId, poolId: b.server.poolId, span };
      }),
    );
    if (rows.length === 0) return 0;
    const now = this.clock.now();
    await this.partitions.ensure(new Date(Math.min(...rows.map((r) => r.span.from))), new Date(Math.max(...rows.map((r) => r.span.to))), now);
    return this.db.transaction(async (manager) => {
      const inserted = await this.insertKept(manager, rows, now);
      // History older than a rollup's retention goes only into the rollups that keep it (a year of seed is then mostly hourly rows).
      await this.store.addToRollups(manager, inserted, (table) => this.partitions.keptFrom(table, now));
      return inserted.length;
    });
  }

  /**
   * Where this reading's spans can start at the earliest: the host's last reading, or the
   * cursor of a server in the reading that was last read on this host (a domain back after
   * days away). Looked up by the servers' keys: metering_server_cursors has no host index,
   * and a scan of every cursor per host reading grows with the whole fleet.
   */
  /**
   * Raw spans within raw retention are inserted once per (server, start), which is what makes
   * a replayed span count once; older ones (a seed's history, a gap span reaching back days)
   * go to the rollups only, since their raw partitions are dropped or about to be. Returns the
   * spans the rollups take: the newly inserted recent ones and every older one (writers of
   * history ask UsageCoverage first; a host reading older than its cursor is refused earlier).
   */
  private async insertKept(manager: EntityManager, rows: readonly ServerSpan[], now: Date): Promise<ServerSpan[]> {
    const rawFrom = this.partitions.keptFrom('usage_samples', now);
    const old = rows.filter((r) => r.span.from < rawFrom);
    const inserted = await this.store.insertSpans(manager, old.length === 0 ? rows : rows.filter((r) => r.span.from >= rawFrom));
    return old.length === 0 ? inserted : [...inserted, ...old];
  }

  private async earliestCursor(hostId: string, serverIds: readonly string[]): Promise<number | undefined> {
    const [row]: { read_at: Date | null }[] = await this.db.query(
      `SELECT least((SELECT read_at FROM metering_host_cursors WHERE host_id = $1), (SELECT min(read_at) FROM metering_server_cursors WHERE server_id = ANY($2::uuid[]) AND host_id = $1)) AS read_at`,
      [hostId, [...serverIds]],
    );
    return row?.read_at ? new Date(row.read_at).getTime() : undefined;
  }
}

/** The kernel prints io_ticks as a 32-bit count of milliseconds (`%8u`): it wraps after 49.7 days of busy time. */
const IO_TICKS_WRAP = 2 ** 32;

/**
 * Busy time of the host's physical disks since the host's last reading, at most the time
 * between the readings' clocks (the agent reads the clock right before the disks' stats).
 * A disk whose request counters went down (host reboot) restarts from its new values; an
 * io_ticks lower while they grew is its 32-bit wrap, not a reset.
 */
export function hostDiskSample(previous: HostCursor, disks: Record<string, DiskCounters>, at: number, intervalMs: number): HostDiskSample {
  const sample: HostDiskSample = {
    hostId: previous.hostId,
    from: previous.readAt,
    to: at,
    kind: at - previous.readAt > DEFAULT_GAP_FACTOR * intervalMs ? 'gap' : 'measured',
    diskCount: Object.keys(disks).length,
    busyMs: 0,
    busiestDiskBusyMs: 0,
    readIos: 0,
    writeIos: 0,
    readSectors: 0,
    writeSectors: 0,
  };
  for (const [device, now] of Object.entries(disks)) {
    const before = previous.disks[device];
    const reset = !before || (['readIos', 'writeIos', 'readSectors', 'writeSectors'] as const).some((k) => now[k] < before[k]);
    const delta = (k: keyof DiskCounters) => (reset ? 0 : now[k] - before![k]);
    const ticks = reset ? 0 : (now.ioTicksMs - before!.ioTicksMs + IO_TICKS_WRAP) % IO_TICKS_WRAP;
    const busy = Math.min(ticks, at - previous.readAt);
    sample.busyMs += busy;
    sample.busiestDiskBusyMs = Math.max(sample.busiestDiskBusyMs, busy);
    sample.readIos += delta('readIos');
    sample.writeIos += delta('writeIos');
    sample.readSectors += delta('readSectors');
    sample.writeSectors += delta('writeSectors');
  }
  return sample;
}

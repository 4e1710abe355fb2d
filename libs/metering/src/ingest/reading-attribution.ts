import type { MeteredServer } from '@carve/servers';
import type { MeteringDomain, MeteringReading } from '@carve/xen';
import { advanceCounters, Counters, countersOf, DomainReading, UsageLoss, UsageSpan } from '../usage';
import type { DiskCounters, ServerCursor, VolumeTicks } from '../storage/reading-cursors';

const SECTOR_BYTES = 512;

/** One server's part of a host reading: its domain's counters and its volumes' own counters. */
export interface AttributedDomain {
  server: MeteredServer;
  reading: DomainReading;
  volumes: Record<string, VolumeTicks>;
}

export interface Attribution {
  domains: AttributedDomain[];
  /** Domains carve has no server for (Dom0 excluded): for the drift findings. */
  unknown: MeteringDomain[];
  /** Servers whose VBD totals xentop could not read this time: no usage now, the next reading covers the interval. */
  unreadable: string[];
}

/** Splits a host reading by server: domains are matched by carve's domain name, volumes by LV name. */
export function attributeReading(reading: MeteringReading, servers: readonly MeteredServer[]): Attribution {
  const byDomain = new Map(servers.map((s) => [s.domainName, s]));
  const volumes = new Map(reading.volumes.flatMap((v) => (v.active ? [[v.name, v.stat] as const] : [])));
  const result: Attribution = { domains: [], unknown: [], unreadable: [] };
  for (const domain of reading.domains) {
    const server = byDomain.get(domain.name);
    if (!server) {
      result.unknown.push(domain);
      continue;
    }
    if (domain.vbd === null) {
      result.unreadable.push(server.id);
      continue;
    }
    const vbd = domain.vbd;
    const counters: Counters = {
      cpuMs: domain.cpuMs,
      readRequests: vbd.readRequests,
      writeRequests: vbd.writeRequests,
      readBytes: vbd.readSectors * SECTOR_BYTES,
      writeBytes: vbd.writeSectors * SECTOR_BYTES,
      ooRequests: vbd.ooRequests,
      netOutBytes: domain.netOutBytes,
      netInBytes: domain.netInBytes,
      readTicksMs: 0,
      writeTicksMs: 0,
      queueTicksMs: 0,
    };
    const ticks: Record<string, VolumeTicks> = {};
    for (const name of server.volumeNames) {
      const stat = volumes.get(name);
      if (stat) ticks[name] = { readTicksMs: stat.readTicksMs, writeTicksMs: stat.writeTicksMs, queueTicksMs: stat.timeInQueueMs };
    }
    result.domains.push({ server, reading: { domid: domain.domid, at: reading.hostTimeMs, counters, memoryMiB: domain.memoryMiB }, volumes: ticks });
  }
  return result;
}

/** The host's physical disks (whole devices under the volume group), by device name. */
export function diskCountersOf(reading: MeteringReading): Record<string, DiskCounters> {
  return Object.fromEntries(
    reading.disks.map((d) => [
      d.device,
      { ioTicksMs: d.stat.ioTicksMs, readIos: d.stat.readIos, writeIos: d.stat.writeIos, readSectors: d.stat.readSectors, writeSectors: d.stat.writeSectors },
    ]),
  );
}

export interface ServerAdvance {
  span?: UsageSpan;
  loss?: UsageLoss;
  /** Undefined for a duplicate reading: the stored cursor stays as it is. */
  cursor?: ServerCursor;
}

/**
 * Volume counters are diffed per LV: they survive a reboot of the domain (same LV, new
 * domid) and restart only when the LV or the host does. A volume seen for the first
 * time, or whose counters went down, is a baseline: its lifetime (mkfs, image unpack)
 * is not the guest's.
 */
function tickDeltas(previous: Record<string, VolumeTicks> | undefined, next: Record<string, VolumeTicks>): VolumeTicks {
  const total: VolumeTicks = { readTicksMs: 0, writeTicksMs: 0, queueTicksMs: 0 };
  for (const [name, now] of Object.entries(next)) {
    const before = previous?.[name];
    if (!before) continue;
    const keys = Object.keys(total) as (keyof VolumeTicks)[];
    if (keys.some((k) => now[k] < before[k])) continue;
    for (const k of keys) total[k] += now[k] - before[k];
  }
  return total;
}

/** The usage of one server since its cursor, and the cursor that replaces it. */
export function advanceServer(cursor: ServerCursor | undefined, domain: AttributedDomain, hostId: string, previousHostReadingAt: number | undefined, intervalMs: number): ServerAdvance {
  // Domids are per host: after a move the domain on this host is a new one.
  const sameHost = cursor !== undefined && cursor.hostId === hostId;
  const previous = sameHost ? { domid: cursor.domid, at: cursor.readAt, counters: cursor.counters, memoryMiB: cursor.memoryMiB } : undefined;
  const advance = advanceCounters(previous, domain.reading, { intervalMs, ...(previousHostReadingAt !== undefined ? { previousHostReadingAt } : {}) });
  if (advance.duplicate) return {};
  const ticks = tickDeltas(sameHost ? cursor.volumes : undefined, domain.volumes);
  const sameDomain = sameHost && cursor.domid === domain.reading.domid && advance.loss === undefined;
  const usage = countersOf((counter) => advance.span.usage[counter] + (counter in ticks ? ticks[counter as keyof VolumeTicks] : 0));
  return {
    span: { ...advance.span, usage },
    ...(advance.loss ? { loss: advance.loss } : {}),
    cursor: {
      serverId: domain.server.id,
      hostId,
      domid: domain.reading.domid,
      readAt: domain.reading.at,
      counters: domain.reading.counters,
      volumes: domain.volumes,
      memoryMiB: domain.reading.memoryMiB,
      domainSince: sameDomain ? cursor.domainSince : advance.span.from,
    },
  };
}

/**
 * Disk contention: every domain's IO shares the Dom0's disks, and the counters
 * (blkback VBDs, xentop, the LVs' dm devices, md and the disks under them)
 * all show what the disks actually delivered.
 *
 * The default host has two 2 TB 7200 rpm SATA drives in md RAID1 (a rented
 * Hetzner EX-line box): DEFAULT_DISK_CAPACITY is 250 random IOPS (reads go to
 * either mirror, writes to both) and 180 MB/s. `carve-sim disk-capacity IOPS MBPS`
 * sets it per host (kept in the state file).
 *
 * - A request costs the disks S = 1/IOPS + bytes/(MB/s): 4.0 ms for 4 KiB, 4.4 ms for 64 KiB.
 * - Demand rho = sum over every VBD (and Dom0's own root) of its demanded rate * S.
 *   When rho > 1 every stream gets 1/rho of what it asks: the disks deliver their
 *   capacity, shared in proportion to demand. Flushes are not charged.
 * - Utilisation u = min(rho, 1): the physical disks' io_ticks grow at u.
 * - Each request waits W = S_mean * q / (1 - q) with q = min(u, 0.95), an M/M/1
 *   queue capped at 19 mean service times (guests wait for their own requests,
 *   so queues stay finite): response R = S + W, about 4 ms on quiet disks and
 *   85 ms on saturated ones, for every domain alike.
 * - A device's read/write/flush ticks grow at rate * R, its in_flight is
 *   rate * R (Little's law); a partition, md or dm device is busy
 *   min(u, 1 - e^-in_flight) of the time.
 * - VBD_OO: a VBD whose guest would keep more requests outstanding than its
 *   ring's 32 slots (demanded rate * R >= 32) is ring-bound. blkback runs out
 *   of request slots when ring-bound guests compete on saturated disks: a
 *   ring-bound VBD counts oo at 5% of its achieved requests per rival
 *   (ring-bound VBDs of other domains, counting up to 4). A lone heavy guest,
 *   or any guest on disks with room to spare, counts none.
 *
 * With the workload profiles: idle asks ~1 request/s (0.4% of the default
 * disks), web 18 (7%), io-heavy 1350 of 64 KiB (about 6x the disks). One
 * io-heavy domain saturates a default host (u = 1) and its quiet neighbours
 * get 1/rho of their IO at about 20x their quiet-disk latency.
 *
 * Everything here is a pure function of the host's state (profiles, disks,
 * capacity): counters stay lazy, and every change to one of those checkpoints
 * all counters first (checkpointAll).
 */
import { PROFILE_RATES, domainJitter } from '../workload-profiles';
import type { DiskCapacity, SimDomain, SimHostState } from './host-state';

export const DEFAULT_DISK_CAPACITY: Readonly<DiskCapacity> = { iops: 250, mbps: 180 };

export const SECTOR_BYTES = 512;
/** blkfront's default single-page ring. */
export const RING_SLOTS = 32;
const QUEUE_UTILISATION_CAP = 0.95;
const OO_PER_RIVAL = 0.05;
const MAX_RIVALS = 4;

/** Requests per simulated second a stream asks for. */
export interface IoDemand {
  reads: number;
  writes: number;
  flushes: number;
  sectorsPerRead: number;
  sectorsPerWrite: number;
}

/** Journald, cron and logs on Dom0's own root filesystem. */
export const DOM0_ROOT_DEMAND: Readonly<IoDemand> = { reads: 0.3, writes: 1.5, flushes: 0.5, sectorsPerRead: 16, sectorsPerWrite: 24 };

/** What a stream achieves per simulated second; `...Ms` are request-milliseconds (summed waits). */
export interface IoFlow {
  readIos: number;
  readSectors: number;
  readMs: number;
  writeIos: number;
  writeSectors: number;
  writeMs: number;
  flushIos: number;
  flushMs: number;
  /** Mean requests in flight. */
  inFlight: number;
}

export interface VbdFlow extends IoFlow {
  ooReqs: number;
  /** Fraction of time the VBD's dm device has a request in flight. */
  busyFraction: number;
}

export interface DiskContention {
  capacity: DiskCapacity;
  /** rho: demanded disk time per second. */
  demand: number;
  /** u = min(rho, 1). */
  utilisation: number;
  /** Achieved / demanded, the same for every stream. */
  scale: number;
  waitMs: number;
  /** Per domain, per vdev. */
  vbds: Map<SimDomain, Record<string, VbdFlow>>;
  dom0Root: IoFlow;
}

/** The boot disk carries most of the IO; further disks share a smaller part. */
export function diskShare(index: number, count: number): number {
  if (count === 1) return 1;
  return index === 0 ? 0.6 : 0.4 / (count - 1);
}

function vbdDemand(domain: SimDomain, index: number): IoDemand {
  const profile = PROFILE_RATES[domain.profile];
  const share = diskShare(index, domain.disks.length) * domainJitter(domain.name);
  const writes = profile.writeReqPerSec * share;
  return { reads: profile.readReqPerSec * share, writes, flushes: writes / 20, sectorsPerRead: profile.sectorsPerRead, sectorsPerWrite: profile.sectorsPerWrite };
}

export function diskContention(state: SimHostState): DiskContention {
  const capacity = state.storage.capacity;
  const serviceMs = (sectors: number): number => 1000 / capacity.iops + (sectors * SECTOR_BYTES * 1000) / (capacity.mbps * 1e6);
  const streams: { domain: SimDomain; vdev: string; demand: IoDemand }[] = [];
  for (const domain of state.domains) domain.disks.forEach((disk, i) => streams.push({ domain, vdev: disk.vdev, demand: vbdDemand(domain, i) }));

  let busyMs = 0;
  let requests = 0;
  for (const d of [DOM0_ROOT_DEMAND, ...streams.map((s) => s.demand)]) {
    busyMs += d.reads * serviceMs(d.sectorsPerRead) + d.writes * serviceMs(d.sectorsPerWrite);
    requests += d.reads + d.writes;
  }
  const demand = busyMs / 1000;
  const scale = demand > 1 ? 1 / demand : 1;
  const utilisation = Math.min(demand, 1);
  const meanServiceMs = requests > 0 ? busyMs / requests : serviceMs(8);
  const q = Math.min(utilisation, QUEUE_UTILISATION_CAP);
  const waitMs = (meanServiceMs * q) / (1 - q);
  const responseMs = (sectors: number): number => serviceMs(sectors) + waitMs;

  const flowOf = (d: IoDemand): IoFlow => {
    const readIos = d.reads * scale;
    const writeIos = d.writes * scale;
    const flushIos = d.flushes * scale;
    const readMs = readIos * responseMs(d.sectorsPerRead);
    const writeMs = writeIos * responseMs(d.sectorsPerWrite);
    const flushMs = flushIos * responseMs(0);
    return {
      readIos, readSectors: readIos * d.sectorsPerRead, readMs,
      writeIos, writeSectors: writeIos * d.sectorsPerWrite, writeMs,
      flushIos, flushMs,
      inFlight: (readMs + writeMs + flushMs) / 1000,
    };
  };
  // What the guest would keep outstanding if the disks gave it all it asks, at today's latency.
  const wanted = (d: IoDemand): number => (d.reads * responseMs(d.sectorsPerRead) + d.writes * responseMs(d.sectorsPerWrite)) / 1000;
  const ringBound = streams.map((s) => wanted(s.demand) >= RING_SLOTS);

  const vbds = new Map<SimDomain, Record<string, VbdFlow>>();
  streams.forEach((s, i) => {
    const flow = flowOf(s.demand);
    const rivals = ringBound[i] ? streams.filter((other, j) => ringBound[j] && other.domain !== s.domain).length : 0;
    const perDomain = vbds.get(s.domain) ?? {};
    perDomain[s.vdev] = {
      ...flow,
      ooReqs: (flow.readIos + flow.writeIos) * OO_PER_RIVAL * Math.min(rivals, MAX_RIVALS),
      busyFraction: Math.min(utilisation, 1 - Math.exp(-flow.inFlight)),
    };
    vbds.set(s.domain, perDomain);
  });
  return { capacity, demand, utilisation, scale, waitMs, vbds, dom0Root: flowOf(DOM0_ROOT_DEMAND) };
}

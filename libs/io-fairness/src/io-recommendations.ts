import type { Host, HostCapacity } from '@carve/inventory';
import { DOMAIN_OVERHEAD_MIB } from '@carve/servers';

/** What the offender needs on another host. */
export interface OffenderNeeds {
  serverId: string;
  customerId: string;
  domainName: string | null;
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
  /** p95 over the intervals of its harmful windows. */
  iops: number;
  mbps: number;
  /** Share of its host's disks' busy capacity it took (0..1), p95; null without disk samples. */
  busyShare: number | null;
}

/** A host the offender could go to, as the report sees it now. */
export interface CandidateHostIo {
  host: Pick<Host, 'id' | 'name' | 'status' | 'dedicatedCustomerId'>;
  capacity: HostCapacity;
  busyThreshold: number;
  /** p95 over the same window, its busiest disk's busy fraction (0..1); null without samples. */
  busyP95: number | null;
  iopsP95: number | null;
  mbpsP95: number | null;
  /** Its capacity baseline, fixed or learned; null without one. */
  capacityIops: number | null;
  capacityMBps: number | null;
}

export interface CandidateVerdict {
  hostId: string;
  hostName: string;
  suitable: boolean;
  /** What is short, in words; empty when suitable. */
  shortOf: string[];
  free: { memoryMiB: number; diskGiB: number; vcpus: number };
  io: {
    fits: boolean | 'unknown';
    /** How the IO fit was judged. */
    basis: 'capacity-baseline' | 'disk-busy-time' | 'none';
    busyP95Percent: number | null;
    projectedBusyPercent: number | null;
    headroomIops: number | null;
    headroomMBps: number | null;
  };
}

export interface LimitsAdvice {
  diskIo: { available: false; statement: string };
  cpu: { available: true; command: string; effect: string };
  network: { available: true; setting: string; effect: string };
  note: string;
}

export interface Recommendation {
  serverId: string;
  customerId: string;
  candidateHosts: CandidateVerdict[];
  dedicatedHost: { recommended: boolean; reason: string };
  limits: LimitsAdvice;
}

export const NO_DISK_IO_LIMIT =
  'Xen has no native per-domain disk IO limit: neither xl nor blkback can cap the IOPS or bandwidth of a domain\'s disks. Disk contention is relieved by moving the server (or its victims) to another host, or by a dedicated host.';

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

export function limitsAdvice(domainName: string | null): LimitsAdvice {
  const name = domainName ?? '<domain>';
  return {
    diskIo: { available: false, statement: NO_DISK_IO_LIMIT },
    cpu: {
      available: true,
      command: `xl sched-credit2 -d ${name} -c <cap, % of one CPU> -w <weight, default 256>`,
      effect: 'A CPU cap or a lower weight slows how fast the guest can issue IO, so it can soften contention indirectly; it bounds CPU, not disk IO.',
    },
    network: { available: true, setting: "vif rate= in the domain config, e.g. 'rate=100Mb/s' (live through the vif's xenstore rate node)", effect: 'Bounds its outgoing network traffic; it does nothing for disk IO.' },
    note: 'Set them with PATCH /v1/servers/:id/limits (cpuCapPercent, cpuWeight, networkRateMbit): live on a running server, kept across reboots, root switches and moves.',
  };
}

/** Whether the offender fits on a host: RAM, disk and vCPUs from the inventory, IO from the host's own metering. */
export function judgeCandidate(need: OffenderNeeds, c: CandidateHostIo): CandidateVerdict {
  const shortOf: string[] = [];
  const free = { memoryMiB: c.capacity.memoryMiB.free, diskGiB: c.capacity.diskGiB.free, vcpus: c.capacity.vcpus.free };
  if (c.host.status !== 'active') shortOf.push(`host is ${c.host.status}`);
  if (c.host.dedicatedCustomerId !== null && c.host.dedicatedCustomerId !== need.customerId) shortOf.push('host is dedicated to another customer');
  if (free.memoryMiB < need.memoryMiB + DOMAIN_OVERHEAD_MIB) shortOf.push(`memory: ${need.memoryMiB + DOMAIN_OVERHEAD_MIB} MiB needed, ${free.memoryMiB} MiB free`);
  if (free.diskGiB < need.diskGiB) shortOf.push(`disk: ${need.diskGiB} GiB needed, ${free.diskGiB} GiB free`);
  if (free.vcpus < need.vcpus) shortOf.push(`vCPUs: ${need.vcpus} needed, ${free.vcpus} free`);

  let io: CandidateVerdict['io'];
  if (c.capacityIops !== null || c.capacityMBps !== null) {
    const headroomIops = c.capacityIops === null ? null : Math.max(0, c.capacityIops - (c.iopsP95 ?? 0));
    const headroomMBps = c.capacityMBps === null ? null : Math.max(0, c.capacityMBps - (c.mbpsP95 ?? 0));
    const fits = (headroomIops === null || need.iops <= headroomIops) && (headroomMBps === null || need.mbps <= headroomMBps);
    io = { fits, basis: 'capacity-baseline', busyP95Percent: pct(c.busyP95), projectedBusyPercent: null, headroomIops: round(headroomIops), headroomMBps: round(headroomMBps) };
    if (!fits) shortOf.push(`IO: needs ${round(need.iops)} IOPS and ${round(need.mbps)} MB/s, headroom ${round(headroomIops) ?? '-'} IOPS and ${round(headroomMBps) ?? '-'} MB/s`);
  } else if (c.busyP95 !== null && need.busyShare !== null) {
    // The same kind of disks assumed: what it kept busy there it keeps busy here.
    const projected = c.busyP95 + need.busyShare;
    const fits = projected <= c.busyThreshold;
    io = { fits, basis: 'disk-busy-time', busyP95Percent: pct(c.busyP95), projectedBusyPercent: pct(projected), headroomIops: null, headroomMBps: null };
    if (!fits) shortOf.push(`IO: its disks would be busy about ${pct(projected)}% (threshold ${pct(c.busyThreshold)}%)`);
  } else {
    io = { fits: 'unknown', basis: 'none', busyP95Percent: pct(c.busyP95), projectedBusyPercent: null, headroomIops: null, headroomMBps: null };
  }
  return { hostId: c.host.id, hostName: c.host.name, suitable: shortOf.length === 0, shortOf, free, io };
}

/** Candidates (suitable ones first, least busy first), whether a dedicated host is due, and the limits that exist. */
export function recommend(need: OffenderNeeds, sourceBusyThreshold: number, candidates: readonly CandidateHostIo[]): Recommendation {
  const verdicts = candidates
    .map((c) => judgeCandidate(need, c))
    .sort((a, b) => Number(b.suitable) - Number(a.suitable) || (a.io.projectedBusyPercent ?? a.io.busyP95Percent ?? 100) - (b.io.projectedBusyPercent ?? b.io.busyP95Percent ?? 100) || a.hostName.localeCompare(b.hostName));
  const alone = need.busyShare !== null && need.busyShare >= sourceBusyThreshold;
  const noSharedHostHasRoom = verdicts.length > 0 && verdicts.every((v) => v.io.fits === false);
  return {
    serverId: need.serverId,
    customerId: need.customerId,
    candidateHosts: verdicts,
    dedicatedHost: alone
      ? { recommended: true, reason: `its IO alone kept the host's disks ${pct(need.busyShare)}% busy (p95 of its contended intervals), beyond the ${pct(sourceBusyThreshold)}% a shared host may reach` }
      : noSharedHostHasRoom
        ? { recommended: true, reason: 'no other shared host has IO headroom for it' }
        : { recommended: false, reason: 'its IO fits beside others on a host with headroom' },
    limits: limitsAdvice(need.domainName),
  };
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}

/** What the IO impact analysis reads (metering spans, disk busy time, rules) and what it finds. */

import type { HostDiskSpan, ServerIoSpan } from '@carve/metering';

export type { HostDiskSpan, ServerIoSpan };

export interface IoRules {
  /** 0..1: an interval whose busiest disk was busy more than this fraction of it is contended. */
  busyThreshold: number;
  /** Host IO above either is contended; null: no baseline. */
  capacityIops: number | null;
  capacityBytesPerSecond: number | null;
  /** A neighbour suffered when its time per request reached this multiple of its own baseline... */
  victimLatencyFactor: number;
  /** ...and that cost its requests at least this much extra waiting per second of the window. */
  victimMinExtraWaitMsPerSecond: number;
  /** An offender took at least this share of the disk time of the windows that hurt someone. */
  offenderMinShare: number;
}

export const DEFAULT_IO_RULES: Omit<IoRules, 'busyThreshold' | 'capacityIops' | 'capacityBytesPerSecond'> = {
  victimLatencyFactor: 2,
  victimMinExtraWaitMsPerSecond: 50,
  offenderMinShare: 0.1,
};

export const CONTENTION_REASONS = ['disks-busy', 'iops-over-baseline', 'throughput-over-baseline', 'out-of-requests'] as const;
export type ContentionReason = (typeof CONTENTION_REASONS)[number];

export interface AnalysisInput {
  from: number;
  to: number;
  stepMs: number;
  servers: readonly ServerIoSpan[];
  disks: readonly HostDiskSpan[];
  rules: IoRules;
}

export interface AvgP95 {
  avg: number | null;
  p95: number | null;
}

export interface ServerIoStats {
  serverId: string;
  customerId: string;
  coveredSeconds: number;
  readIops: AvgP95;
  writeIops: AvgP95;
  readMBps: AvgP95;
  writeMBps: AvgP95;
  msPerRead: AvgP95;
  msPerWrite: AvgP95;
  msPerRequest: AvgP95;
  /** Its own time per request while the disks were not contended; null without such intervals. */
  baselineMsPerRequest: number | null;
  /** Of the host's requests and bytes over the window, 0..1. */
  shareOfHostRequests: number;
  shareOfHostBytes: number;
  /** Of the physical disks' busy time, attributed by each server's share of the volumes' disk time per interval, 0..1. */
  shareOfDiskBusy: number | null;
  ooRequests: number;
  requests: number;
  bytes: number;
  diskTimeMs: number;
}

export interface WindowConsumer {
  serverId: string;
  customerId: string;
  diskTimeMs: number;
  shareOfDiskTime: number;
  requests: number;
  bytes: number;
}

export interface WindowVictim {
  serverId: string;
  customerId: string;
  reasons: ('latency' | 'out-of-requests')[];
  msPerRequest: number | null;
  baselineMsPerRequest: number | null;
  /** msPerRequest / baseline. */
  latencyFactor: number | null;
  extraWaitMsPerSecond: number | null;
  ooRequests: number;
}

export interface ContentionWindow {
  from: number;
  to: number;
  reasons: ContentionReason[];
  peakBusyPercent: number | null;
  avgBusyPercent: number | null;
  hostIops: number;
  hostMBps: number;
  ooRequests: number;
  /** By disk time, most first. */
  consumers: WindowConsumer[];
  victims: WindowVictim[];
  /** Somebody suffered: only these windows rank offenders. */
  harmful: boolean;
}

export interface Offender {
  rank: number;
  serverId: string;
  customerId: string;
  /** Over the harmful windows. */
  diskTimeMs: number;
  shareOfDiskTime: number;
  requests: number;
  bytes: number;
  /** Over the harmful windows, when the disks' busy time is known. */
  diskBusyMs: number | null;
  harmfulWindows: number;
  /** Distinct neighbours that suffered in its harmful windows. */
  victimServerIds: string[];
  /** Its own IOPS and MB/s while it was there, p95 over the intervals of the harmful windows. */
  contendedIopsP95: number;
  contendedMBpsP95: number;
  /** Busy share of the disks it took in those intervals, p95 (0..1); null without disk samples. */
  contendedBusyShareP95: number | null;
}

export interface HostIoSummary {
  busyPercent: AvgP95;
  iops: AvgP95;
  mbps: AvgP95;
  busyMs: number | null;
  requests: number;
  bytes: number;
  contendedSeconds: number;
}

export interface TimelineStep {
  start: number;
  busyFraction: number | null;
  contended: boolean;
  /** Per server: read + write IOPS; absent where the server has no reading. */
  iopsByServer: Map<string, number>;
}

export interface IoImpactAnalysis {
  servers: ServerIoStats[];
  host: HostIoSummary;
  windows: ContentionWindow[];
  offenders: Offender[];
  hostBaselineMsPerRequest: number | null;
  timeline: TimelineStep[];
}

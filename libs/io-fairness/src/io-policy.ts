import { InvalidInputError } from '@carve/core';

export const CAPACITY_MODES = ['none', 'fixed', 'learned'] as const;
export type CapacityMode = (typeof CAPACITY_MODES)[number];

/**
 * The per-host rules of the IO impact report. An interval is contended when the host's
 * busiest physical disk was busy more than `busyThresholdPercent` of it, or (with a
 * capacity baseline) the host's total IO went above the baseline, or any domain ran out
 * of request slots (VBD_OO).
 */
export interface HostIoPolicy {
  hostId: string;
  busyThresholdPercent: number;
  /** none: no IO baseline; fixed: capacityIops / capacityMBps as set; learned: a percentile of the host's own history. */
  capacityMode: CapacityMode;
  capacityIops: number | null;
  capacityMBps: number | null;
  learnedPercentile: number | null;
  /** How long one server may take most of the disk time of a contention window before host.io.dominated is raised. */
  dominanceMinutes: number;
  /** False when the host has no row and these are the defaults. */
  custom: boolean;
  updatedAt: string | null;
}

export type HostIoPolicyChange = Partial<Pick<HostIoPolicy, 'busyThresholdPercent' | 'capacityMode' | 'capacityIops' | 'capacityMBps' | 'learnedPercentile' | 'dominanceMinutes'>>;

export const DEFAULT_BUSY_THRESHOLD_PERCENT = 90;
export const DEFAULT_LEARNED_PERCENTILE = 99;
export const DEFAULT_DOMINANCE_MINUTES = 15;

export function defaultPolicy(hostId: string): HostIoPolicy {
  return { hostId, busyThresholdPercent: DEFAULT_BUSY_THRESHOLD_PERCENT, capacityMode: 'none', capacityIops: null, capacityMBps: null, learnedPercentile: null, dominanceMinutes: DEFAULT_DOMINANCE_MINUTES, custom: false, updatedAt: null };
}

/** The policy after a change, checked as a whole (a fixed baseline needs a number, a learned one a percentile). */
export function changedPolicy(current: HostIoPolicy, change: HostIoPolicyChange): HostIoPolicy {
  const next: HostIoPolicy = { ...current, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
  if (change.capacityMode === 'learned' && change.learnedPercentile === undefined && next.learnedPercentile === null) next.learnedPercentile = DEFAULT_LEARNED_PERCENTILE;
  const problems: { field: string; message: string }[] = [];
  if (next.capacityMode === 'fixed' && next.capacityIops === null && next.capacityMBps === null) {
    problems.push({ field: 'capacityIops', message: 'a fixed capacity baseline needs capacityIops, capacityMBps or both' });
  }
  if (next.capacityMode === 'learned' && next.learnedPercentile === null) problems.push({ field: 'learnedPercentile', message: 'a learned capacity baseline needs a percentile' });
  if (problems.length > 0) throw new InvalidInputError(problems);
  return next;
}

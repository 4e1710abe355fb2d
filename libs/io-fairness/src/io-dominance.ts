import type { ContentionWindow } from './io-impact.model';

/** A server took at least this share of a window's disk time: it dominated the window. */
export const DOMINANCE_MIN_SHARE = 0.5;

export interface DominatedWindow {
  serverId: string;
  customerId: string;
  from: number;
  to: number;
  /** Its share of the window's disk time, 0..1. */
  share: number;
}

/**
 * The contention windows of an analysis that one server dominated (took at least half the
 * disk time) for at least `minMinutes`. A window that starts where the analysed span starts
 * may have begun earlier: its start is not known, so it is left to the check that saw it
 * begin (a dominance event is keyed by the window's start).
 */
export function dominatedWindows(windows: readonly ContentionWindow[], analysedFrom: number, minMinutes: number, minShare = DOMINANCE_MIN_SHARE): DominatedWindow[] {
  return windows.flatMap((w) => {
    const top = w.consumers[0];
    if (!top || w.from <= analysedFrom || w.to - w.from < minMinutes * 60_000 || top.shareOfDiskTime < minShare) return [];
    return [{ serverId: top.serverId, customerId: top.customerId, from: w.from, to: w.to, share: top.shareOfDiskTime }];
  });
}

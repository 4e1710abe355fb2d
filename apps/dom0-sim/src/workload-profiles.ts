/**
 * Per-profile rates that drive a domain's counters. Numbers are per simulated second;
 * disk rates are what the domain asks for, split over its VBDs (the host's disks
 * may deliver less: state/disk-contention.ts), network rates per vif.
 */
export type WorkloadProfileName = 'idle' | 'web' | 'cpu-bound' | 'io-heavy' | 'network-heavy';

export const WORKLOAD_PROFILES: readonly WorkloadProfileName[] = ['idle', 'web', 'cpu-bound', 'io-heavy', 'network-heavy'];

export interface WorkloadProfile {
  /** CPU seconds consumed per second per online vCPU. */
  cpuPerVcpu: number;
  readReqPerSec: number;
  writeReqPerSec: number;
  sectorsPerRead: number;
  sectorsPerWrite: number;
  /** Guest transmit (vif rx_bytes, what hosting bills). */
  guestTxBytesPerSec: number;
  /** Guest receive (vif tx_bytes). */
  guestRxBytesPerSec: number;
  /** Mostly on a pCPU (xl state `r`) rather than blocked (`b`). */
  running: boolean;
}

export const PROFILE_RATES: Readonly<Record<WorkloadProfileName, WorkloadProfile>> = {
  idle: { cpuPerVcpu: 0.005, readReqPerSec: 0.2, writeReqPerSec: 0.8, sectorsPerRead: 8, sectorsPerWrite: 8, guestTxBytesPerSec: 300, guestRxBytesPerSec: 600, running: false },
  web: { cpuPerVcpu: 0.12, readReqPerSec: 6, writeReqPerSec: 12, sectorsPerRead: 16, sectorsPerWrite: 16, guestTxBytesPerSec: 250_000, guestRxBytesPerSec: 40_000, running: false },
  'cpu-bound': { cpuPerVcpu: 0.97, readReqPerSec: 1, writeReqPerSec: 3, sectorsPerRead: 8, sectorsPerWrite: 8, guestTxBytesPerSec: 2_000, guestRxBytesPerSec: 2_000, running: true },
  'io-heavy': { cpuPerVcpu: 0.25, readReqPerSec: 450, writeReqPerSec: 900, sectorsPerRead: 128, sectorsPerWrite: 128, guestTxBytesPerSec: 5_000, guestRxBytesPerSec: 5_000, running: false },
  'network-heavy': { cpuPerVcpu: 0.2, readReqPerSec: 2, writeReqPerSec: 4, sectorsPerRead: 8, sectorsPerWrite: 8, guestTxBytesPerSec: 12_000_000, guestRxBytesPerSec: 2_500_000, running: false },
};

export const AVERAGE_PACKET_BYTES = 900;

export function isWorkloadProfile(text: string): text is WorkloadProfileName {
  return (WORKLOAD_PROFILES as readonly string[]).includes(text);
}

/** A stable factor in [0.85, 1.15] per domain, so two domains on one profile do not print identical counters. */
export function domainJitter(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i += 1) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return 0.85 + (h % 3001) / 10000;
}

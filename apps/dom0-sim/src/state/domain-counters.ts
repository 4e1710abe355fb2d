import { AVERAGE_PACKET_BYTES, PROFILE_RATES, domainJitter, ooReqPerSec } from '../workload-profiles';
import type { SimDomain, SimHostState, VbdCounters, VifCounters } from './host-state';

export interface DomainCounters {
  cpuSeconds: number;
  vbds: Record<string, VbdCounters>;
  vifs: Record<string, VifCounters>;
}

export const emptyVbd = (): VbdCounters => ({ oo_req: 0, rd_req: 0, wr_req: 0, f_req: 0, ds_req: 0, rd_sect: 0, wr_sect: 0 });
export const emptyVif = (): VifCounters => ({ rx_bytes: 0, tx_bytes: 0, rx_packets: 0, tx_packets: 0 });

/** xvda = 51712, xvdb = 51728, ... (Linux major 202, 16 minors per disk). */
export function vdevNumber(vdev: string): number {
  return 51712 + 16 * (vdev.charCodeAt(3) - 97);
}

function ioHeavyCount(state: SimHostState): number {
  return state.domains.filter((d) => PROFILE_RATES[d.profile].ioHeavy).length;
}

/** The boot disk carries most of the IO; further disks share a smaller part. */
function diskShare(index: number, count: number): number {
  if (count === 1) return 1;
  return index === 0 ? 0.6 : 0.4 / (count - 1);
}

/** Counter values at simulated time `now`, from the last checkpoint and the current rates. */
export function countersAt(state: SimHostState, domain: SimDomain, now: number): DomainCounters {
  const dt = Math.max(0, now - domain.counters.baseAt);
  const profile = PROFILE_RATES[domain.profile];
  const jitter = domainJitter(domain.name);
  const contention = ioHeavyCount(state);
  let cpuRate = profile.cpuPerVcpu * domain.vcpus * jitter;
  if (domain.capPercent > 0) cpuRate = Math.min(cpuRate, domain.capPercent / 100);
  const vbds: Record<string, VbdCounters> = {};
  domain.disks.forEach((disk, index) => {
    const base = domain.counters.vbds[disk.vdev] ?? emptyVbd();
    const share = diskShare(index, domain.disks.length) * jitter * dt;
    const rd = profile.readReqPerSec * share;
    const wr = profile.writeReqPerSec * share;
    vbds[disk.vdev] = {
      oo_req: base.oo_req + ooReqPerSec(profile, contention) * diskShare(index, domain.disks.length) * dt,
      rd_req: base.rd_req + rd,
      wr_req: base.wr_req + wr,
      f_req: base.f_req + wr / 20,
      ds_req: base.ds_req,
      rd_sect: base.rd_sect + rd * profile.sectorsPerRead,
      wr_sect: base.wr_sect + wr * profile.sectorsPerWrite,
    };
  });
  const vifs: Record<string, VifCounters> = {};
  for (const vif of domain.vifs) {
    const base = domain.counters.vifs[String(vif.devid)] ?? emptyVif();
    // The vif rate limit caps the guest's outgoing traffic only.
    const limit = vif.rateMbitPerSec !== undefined ? (vif.rateMbitPerSec * 1e6) / 8 : Infinity;
    const out = Math.min(profile.guestTxBytesPerSec * jitter, limit) * dt;
    const inbound = profile.guestRxBytesPerSec * jitter * dt;
    vifs[String(vif.devid)] = {
      rx_bytes: base.rx_bytes + out,
      tx_bytes: base.tx_bytes + inbound,
      rx_packets: base.rx_packets + out / AVERAGE_PACKET_BYTES,
      tx_packets: base.tx_packets + inbound / AVERAGE_PACKET_BYTES,
    };
  }
  return { cpuSeconds: domain.counters.cpuSeconds + cpuRate * dt, vbds, vifs };
}

/** Dom0 works for its guests: a base load plus a share of their IO and network. */
function dom0CpuRate(state: SimHostState): number {
  let rate = 0.02 * state.dom0Vcpus;
  for (const d of state.domains) {
    const p = PROFILE_RATES[d.profile];
    rate += (p.readReqPerSec + p.writeReqPerSec) * 0.00005 + (p.guestTxBytesPerSec + p.guestRxBytesPerSec) * 2e-9;
  }
  return rate;
}

export function dom0CpuSecondsAt(state: SimHostState, now: number): number {
  return state.dom0CpuSeconds + dom0CpuRate(state) * Math.max(0, now - state.dom0CpuBaseAt);
}

/** Fold accrued counters into the bases; call before anything that changes a rate. */
export function checkpointAll(state: SimHostState, now: number): void {
  state.dom0CpuSeconds = dom0CpuSecondsAt(state, now);
  state.dom0CpuBaseAt = now;
  for (const domain of state.domains) {
    const c = countersAt(state, domain, now);
    domain.counters = { baseAt: now, cpuSeconds: c.cpuSeconds, vbds: c.vbds, vifs: c.vifs };
  }
}

export const floorCounters = <T extends object>(counters: T): Record<keyof T, number> => {
  const out = {} as Record<keyof T, number>;
  for (const key of Object.keys(counters) as (keyof T)[]) out[key] = Math.floor(counters[key] as number);
  return out;
};

import { AVERAGE_PACKET_BYTES, PROFILE_RATES, domainJitter } from '../workload-profiles';
import { checkpointStorage, zeroTimes } from './block-devices';
import { diskContention, type DiskContention } from './disk-contention';
import type { SimDomain, SimHostState, VbdCounters, VbdTimes, VifCounters } from './host-state';

export interface DomainCounters {
  cpuSeconds: number;
  vbds: Record<string, VbdCounters>;
  vifs: Record<string, VifCounters>;
  /** The time side of each VBD, for the dm device under it (countersAt always fills it). */
  vbdTimes?: Record<string, VbdTimes>;
}

export const emptyVbd = (): VbdCounters => ({ oo_req: 0, rd_req: 0, wr_req: 0, f_req: 0, ds_req: 0, rd_sect: 0, wr_sect: 0 });
export const emptyVif = (): VifCounters => ({ rx_bytes: 0, tx_bytes: 0, rx_packets: 0, tx_packets: 0 });

/** xvda = 51712, xvdb = 51728, ... (Linux major 202, 16 minors per disk). */
export function vdevNumber(vdev: string): number {
  return 51712 + 16 * (vdev.charCodeAt(3) - 97);
}

/**
 * Counter values at simulated time `now`, from the last checkpoint and the
 * current rates. Disk rates are what the host's disks deliver (disk-contention.ts);
 * pass `contention` when reading many domains at one instant.
 */
export function countersAt(state: SimHostState, domain: SimDomain, now: number, contention: DiskContention = diskContention(state)): DomainCounters {
  const dt = Math.max(0, now - domain.counters.baseAt);
  const profile = PROFILE_RATES[domain.profile];
  const jitter = domainJitter(domain.name);
  let cpuRate = profile.cpuPerVcpu * domain.vcpus * jitter;
  if (domain.capPercent > 0) cpuRate = Math.min(cpuRate, domain.capPercent / 100);
  const flows = contention.vbds.get(domain) ?? {};
  const vbds: Record<string, VbdCounters> = {};
  const vbdTimes: Record<string, VbdTimes> = {};
  for (const disk of domain.disks) {
    const base = domain.counters.vbds[disk.vdev] ?? emptyVbd();
    const times = domain.counters.vbdTimes?.[disk.vdev] ?? zeroTimes();
    const f = flows[disk.vdev];
    if (!f) {
      vbds[disk.vdev] = { ...base };
      vbdTimes[disk.vdev] = { ...times };
      continue;
    }
    vbds[disk.vdev] = {
      oo_req: base.oo_req + f.ooReqs * dt,
      rd_req: base.rd_req + f.readIos * dt,
      wr_req: base.wr_req + f.writeIos * dt,
      f_req: base.f_req + f.flushIos * dt,
      ds_req: base.ds_req,
      rd_sect: base.rd_sect + f.readSectors * dt,
      wr_sect: base.wr_sect + f.writeSectors * dt,
    };
    vbdTimes[disk.vdev] = {
      readMs: times.readMs + f.readMs * dt,
      writeMs: times.writeMs + f.writeMs * dt,
      flushMs: times.flushMs + f.flushMs * dt,
      busyMs: times.busyMs + 1000 * f.busyFraction * dt,
    };
  }
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
  return { cpuSeconds: domain.counters.cpuSeconds + cpuRate * dt, vbds, vifs, vbdTimes };
}

/** Dom0 works for its guests: a base load plus a share of the IO the disks deliver and of their network. */
function dom0CpuRate(state: SimHostState, contention: DiskContention): number {
  let rate = 0.02 * state.dom0Vcpus;
  for (const d of state.domains) {
    const p = PROFILE_RATES[d.profile];
    const requests = Object.values(contention.vbds.get(d) ?? {}).reduce((s, f) => s + f.readIos + f.writeIos, 0);
    rate += requests * 0.00005 + (p.guestTxBytesPerSec + p.guestRxBytesPerSec) * 2e-9;
  }
  return rate;
}

export function dom0CpuSecondsAt(state: SimHostState, now: number, contention: DiskContention = diskContention(state)): number {
  return state.dom0CpuSeconds + dom0CpuRate(state, contention) * Math.max(0, now - state.dom0CpuBaseAt);
}

/** Fold accrued counters into the bases; call before anything that changes a rate (profiles, vcpus, disks, disk capacity). */
export function checkpointAll(state: SimHostState, now: number): void {
  const contention = diskContention(state);
  state.dom0CpuSeconds = dom0CpuSecondsAt(state, now, contention);
  state.dom0CpuBaseAt = now;
  checkpointStorage(state, now, contention);
  for (const domain of state.domains) {
    const c = countersAt(state, domain, now, contention);
    domain.counters = { baseAt: now, cpuSeconds: c.cpuSeconds, vbds: c.vbds, vifs: c.vifs, vbdTimes: c.vbdTimes };
  }
}

export const floorCounters = <T extends object>(counters: T): Record<keyof T, number> => {
  const out = {} as Record<keyof T, number>;
  for (const key of Object.keys(counters) as (keyof T)[]) out[key] = Math.floor(counters[key] as number);
  return out;
};

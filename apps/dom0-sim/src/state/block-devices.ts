/**
 * The Dom0's block devices under /sys/class/block: its disks, their
 * partitions, the md RAID1 arrays on them (swap, root, and the volume group's
 * PV), idle loop devices, and a dm-N per active LV. Disk-side counters follow
 * the contention model (disk-contention.ts): the PV array carries the sum of
 * all VBDs, RAID1 sends each read to one mirror and every write and flush to
 * both, and a whole disk counts what its partitions do.
 */
import { DEFAULT_DISK_CAPACITY, diskContention, type DiskContention, type IoFlow } from './disk-contention';
import type { BlockStatCounters, DiskCapacity, SimBlockDevice, SimDomain, SimHostState, SimStorage, VbdCounters, VbdTimes } from './host-state';
import { lvForDevice } from './vfs';

/** The block scheduler merges some adjacent requests on the physical disks (md and dm are bio-based and merge none). */
const READ_MERGE_FRACTION = 0.05;
const WRITE_MERGE_FRACTION = 0.2;
/** SATA NCQ: what can be in the drive at once. */
const DISK_QUEUE_DEPTH = 32;
/** The device-mapper block major as Debian 12's kernel registers it. */
export const DM_MAJOR = 254;

/**
 * A rented Hetzner box as installimage lays it out on two disks: RAID1 arrays
 * md0 (swap), md1 (the Dom0's root) and md2 (the rest: the PV of the volume group).
 */
export function defaultBlockDevices(): SimBlockDevice[] {
  const devices: SimBlockDevice[] = [];
  for (const disk of ['sda', 'sdb']) {
    devices.push({ name: disk, kind: 'disk' });
    for (const n of [1, 2, 3]) devices.push({ name: `${disk}${n}`, kind: 'partition', parent: disk });
  }
  const uses = ['swap', 'root', 'pv'] as const;
  uses.forEach((use, i) => devices.push({ name: `md${i}`, kind: 'raid1', members: [`sda${i + 1}`, `sdb${i + 1}`], use }));
  for (let i = 0; i < 8; i += 1) devices.push({ name: `loop${i}`, kind: 'loop' });
  return devices;
}

export const zeroStat = (): BlockStatCounters => ({
  readIos: 0, readMerges: 0, readSectors: 0, readMs: 0, writeIos: 0, writeMerges: 0, writeSectors: 0, writeMs: 0,
  busyMs: 0, discardIos: 0, discardMerges: 0, discardSectors: 0, discardMs: 0, flushIos: 0, flushMs: 0,
});

export const zeroTimes = (): VbdTimes => ({ readMs: 0, writeMs: 0, flushMs: 0, busyMs: 0 });

export function addStats(a: BlockStatCounters, b: BlockStatCounters, factor = 1): BlockStatCounters {
  const out = { ...a };
  for (const key of Object.keys(out) as (keyof BlockStatCounters)[]) out[key] = a[key] + b[key] * factor;
  return out;
}

/** What the dm device of an LV counted for one VBD on it: its requests are the VBD's, one to one. */
export function vbdAsStat(vbd: VbdCounters, times: VbdTimes): BlockStatCounters {
  return {
    ...zeroStat(),
    readIos: vbd.rd_req, readSectors: vbd.rd_sect, readMs: times.readMs,
    writeIos: vbd.wr_req, writeSectors: vbd.wr_sect, writeMs: times.writeMs,
    busyMs: times.busyMs, discardIos: vbd.ds_req, flushIos: vbd.f_req, flushMs: times.flushMs,
  };
}

/** Per simulated second, and the in_flight gauge. */
export interface DeviceRate {
  perSecond: BlockStatCounters;
  inFlight: number;
}

function flowRate(flow: IoFlow, utilisation: number): DeviceRate {
  return {
    perSecond: {
      ...zeroStat(),
      readIos: flow.readIos, readSectors: flow.readSectors, readMs: flow.readMs,
      writeIos: flow.writeIos, writeSectors: flow.writeSectors, writeMs: flow.writeMs,
      flushIos: flow.flushIos, flushMs: flow.flushMs,
      busyMs: 1000 * Math.min(utilisation, 1 - Math.exp(-flow.inFlight)),
    },
    inFlight: flow.inFlight,
  };
}

/** One RAID1 member's share of its array's flow, after the scheduler's merges. */
function memberRate(array: BlockStatCounters, members: number, utilisation: number): DeviceRate {
  const reads = array.readIos / members;
  const keptReads = 1 - READ_MERGE_FRACTION;
  const keptWrites = 1 - WRITE_MERGE_FRACTION;
  const perSecond: BlockStatCounters = {
    ...zeroStat(),
    readIos: reads * keptReads,
    readMerges: reads * READ_MERGE_FRACTION,
    readSectors: array.readSectors / members,
    readMs: (array.readMs / members) * keptReads,
    writeIos: array.writeIos * keptWrites,
    writeMerges: array.writeIos * WRITE_MERGE_FRACTION,
    writeSectors: array.writeSectors,
    writeMs: array.writeMs * keptWrites,
    flushIos: array.flushIos,
    flushMs: array.flushMs,
  };
  const inFlight = (perSecond.readMs + perSecond.writeMs + perSecond.flushMs) / 1000;
  perSecond.busyMs = 1000 * Math.min(utilisation, 1 - Math.exp(-inFlight));
  return { perSecond, inFlight };
}

/** Rates of every Dom0 device from array-level flows: members from arrays, disks from their partitions. */
function propagate(devices: readonly SimBlockDevice[], arrayFlows: ReadonlyMap<string, IoFlow>, utilisation: number): Map<string, DeviceRate> {
  const rates = new Map<string, DeviceRate>(devices.map((d) => [d.name, { perSecond: zeroStat(), inFlight: 0 }]));
  for (const array of devices.filter((d) => d.kind === 'raid1')) {
    const flow = arrayFlows.get(array.name);
    if (!flow) continue;
    const rate = flowRate(flow, utilisation);
    rates.set(array.name, rate);
    const members = array.members ?? [];
    for (const member of members) rates.set(member, memberRate(rate.perSecond, members.length, utilisation));
  }
  for (const disk of devices.filter((d) => d.kind === 'disk')) {
    const parts = devices.filter((d) => d.kind === 'partition' && d.parent === disk.name).map((d) => rates.get(d.name) as DeviceRate);
    let perSecond = zeroStat();
    for (const p of parts) perSecond = addStats(perSecond, p.perSecond);
    const inFlight = parts.reduce((s, p) => s + p.inFlight, 0);
    // The drive itself is busy whenever the array is: RAID1 keeps both mirrors at the array's utilisation.
    perSecond.busyMs = inFlight > 0 ? 1000 * utilisation : 0;
    rates.set(disk.name, { perSecond, inFlight: Math.min(inFlight, DISK_QUEUE_DEPTH) });
  }
  return rates;
}

function sumFlows(flows: Iterable<IoFlow>): IoFlow {
  const total: IoFlow = { readIos: 0, readSectors: 0, readMs: 0, writeIos: 0, writeSectors: 0, writeMs: 0, flushIos: 0, flushMs: 0, inFlight: 0 };
  for (const f of flows) for (const key of Object.keys(total) as (keyof IoFlow)[]) total[key] += f[key];
  return total;
}

/** Current rates of the Dom0's own devices (dm devices are read from their VBDs instead). */
export function storageRates(state: SimHostState, contention: DiskContention = diskContention(state)): Map<string, DeviceRate> {
  const flows = new Map<string, IoFlow>();
  const allVbds = [...contention.vbds.values()].flatMap((perVdev) => Object.values(perVdev));
  for (const d of state.storage.devices) {
    if (d.use === 'pv') flows.set(d.name, sumFlows(allVbds));
    else if (d.use === 'root') flows.set(d.name, contention.dom0Root);
  }
  return propagate(state.storage.devices, flows, contention.utilisation);
}

/** Counter values of the Dom0's devices at simulated time `now`. */
export function storageCountersAt(state: SimHostState, now: number, rates: Map<string, DeviceRate> = storageRates(state)): Map<string, BlockStatCounters> {
  const { storage } = state;
  const dt = Math.max(0, now - storage.baseAt);
  return new Map(storage.devices.map((d) => [d.name, addStats(storage.counters[d.name] ?? zeroStat(), rates.get(d.name)?.perSecond ?? zeroStat(), dt)]));
}

export function checkpointStorage(state: SimHostState, now: number, contention: DiskContention): void {
  const values = storageCountersAt(state, now, storageRates(state, contention));
  state.storage.counters = Object.fromEntries(values);
  state.storage.baseAt = now;
}

/** What booting leaves on the counters: the root read in, the swap header, LVM scanning the PV. */
function bootCounters(devices: readonly SimBlockDevice[]): Record<string, BlockStatCounters> {
  const BOOT_SECONDS = 20;
  const flow = (readIos: number, readSectors: number, writeIos: number, latencyMs: number): IoFlow => ({
    readIos, readSectors, readMs: readIos * latencyMs, writeIos, writeSectors: writeIos * 16, writeMs: writeIos * latencyMs,
    flushIos: writeIos / 5, flushMs: (writeIos / 5) * latencyMs, inFlight: ((readIos + writeIos) * latencyMs) / 1000,
  });
  const arrays = new Map<string, IoFlow>();
  for (const d of devices) {
    if (d.use === 'root') arrays.set(d.name, flow(220, 16000, 15, 6));
    else if (d.use === 'pv') arrays.set(d.name, flow(8, 64, 0, 5));
    else if (d.use === 'swap') arrays.set(d.name, flow(0.1, 0.8, 0, 5));
  }
  const rates = propagate(devices, arrays, 0.6);
  return Object.fromEntries(devices.map((d) => [d.name, addStats(zeroStat(), rates.get(d.name)?.perSecond ?? zeroStat(), BOOT_SECONDS)]));
}

export function createStorage(now: number, capacity: DiskCapacity): SimStorage {
  const devices = defaultBlockDevices();
  return { devices, capacity: { ...capacity }, baseAt: now, counters: bootCounters(devices) };
}

/** The PV of the volume group, as pvs names it. */
export function pvDevicePath(state: SimHostState): string {
  const pv = state.storage.devices.find((d) => d.use === 'pv');
  return `/dev/${pv?.name ?? 'md2'}`;
}

/** Linux hands out the lowest free device-mapper minor. */
export function lowestFreeMinor(state: SimHostState): number {
  const used = new Set(state.vg.lvs.map((lv) => lv.kernelMinor));
  let minor = 0;
  while (used.has(minor)) minor += 1;
  return minor;
}

/**
 * Fold the VBDs' counters into the LVs they sit on, before the VBDs go away
 * (the domain stops or reboots, the disk is detached). Call after checkpointAll.
 */
export function retireVbds(state: SimHostState, domain: SimDomain, vdevs: readonly string[] = domain.disks.map((d) => d.vdev)): void {
  for (const disk of domain.disks.filter((d) => vdevs.includes(d.vdev))) {
    const lv = lvForDevice(state, disk.target);
    const vbd = domain.counters.vbds[disk.vdev];
    if (!lv || !vbd) continue;
    lv.pastIo = addStats(lv.pastIo ?? zeroStat(), vbdAsStat(vbd, domain.counters.vbdTimes?.[disk.vdev] ?? zeroTimes()));
  }
}

/** A host reboot: device counters start again from what booting does, and LVs come up as dm-0, dm-1, ... in metadata order. */
export function rebootStorage(state: SimHostState, now: number): void {
  state.storage.counters = bootCounters(state.storage.devices);
  state.storage.baseAt = now;
  state.vg.lvs.forEach((lv, i) => {
    lv.kernelMinor = i;
    delete lv.pastIo;
  });
}

/** State files written before the simulator had block devices: default disks, and every LV active. */
export function upgradeStorage(state: SimHostState, now: number): void {
  const loaded = state as Partial<SimHostState>;
  if (!loaded.storage) state.storage = createStorage(now, DEFAULT_DISK_CAPACITY);
  for (const lv of state.vg.lvs) if (lv.kernelMinor === undefined) lv.kernelMinor = lowestFreeMinor(state);
}

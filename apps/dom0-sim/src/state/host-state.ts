import type { WorkloadProfileName } from '../workload-profiles';

/** Cumulative blkback counters of one VBD, as in /sys/bus/xen-backend/devices/vbd-D-N/statistics. */
export interface VbdCounters {
  oo_req: number;
  rd_req: number;
  wr_req: number;
  f_req: number;
  ds_req: number;
  rd_sect: number;
  wr_sect: number;
}

/** Cumulative netback counters of one vif, from Dom0's side (rx = guest transmit). */
export interface VifCounters {
  rx_bytes: number;
  tx_bytes: number;
  rx_packets: number;
  tx_packets: number;
}

export interface SimDisk {
  /** `/dev/vg0/web1-root` */
  target: string;
  vdev: string;
  access: 'r' | 'w';
}

export interface SimVif {
  devid: number;
  mac: string;
  bridge: string;
  rateMbitPerSec?: number;
}

/**
 * Counters are lazy: the value at simulated time t is `base + rate * (t - baseAt)`;
 * whenever a rate changes (profile, vcpus, contention) every domain is checkpointed first.
 */
export interface DomainCounterBase {
  baseAt: number;
  cpuSeconds: number;
  vbds: Record<string, VbdCounters>;
  vifs: Record<string, VifCounters>;
  /** Time the VBDs' requests spent on the host's disks, per vdev (absent in older state files: zero). */
  vbdTimes?: Record<string, VbdTimes>;
}

/**
 * What the device-mapper device under a VBD adds to blkback's counters:
 * milliseconds its requests waited (summed over requests) and it was busy.
 */
export interface VbdTimes {
  readMs: number;
  writeMs: number;
  flushMs: number;
  busyMs: number;
}

/**
 * Cumulative counters of one block device, as the kernel's part_stat keeps
 * them (Documentation/block/stat.rst); fractional here, printed truncated.
 * time_in_queue is the sum of the four `...Ms` and in_flight a gauge, so
 * neither is stored.
 */
export interface BlockStatCounters {
  readIos: number;
  readMerges: number;
  readSectors: number;
  readMs: number;
  writeIos: number;
  writeMerges: number;
  writeSectors: number;
  writeMs: number;
  /** io_ticks: time with at least one request in flight. */
  busyMs: number;
  discardIos: number;
  discardMerges: number;
  discardSectors: number;
  discardMs: number;
  flushIos: number;
  flushMs: number;
}

export interface SimDomain {
  domid: number;
  name: string;
  uuid: string;
  type: 'pv' | 'pvh' | 'hvm';
  /** The config file it was created from, so a reboot re-reads nothing. */
  configPath: string;
  targetMiB: number;
  /** What the domain actually holds: the target unless the host ran out while ballooning up. */
  memoryMiB: number;
  maxMemMiB: number;
  vcpus: number;
  maxVcpus: number;
  cpuWeight: number;
  capPercent: number;
  bootloader?: string;
  /** Direct kernel boot (a rescue system): what `xl list -l` shows in b_info. */
  kernel?: string;
  ramdisk?: string;
  cmdline?: string;
  disks: SimDisk[];
  vifs: SimVif[];
  onPoweroff: string;
  onReboot: string;
  onCrash: string;
  /** Simulated unix seconds. */
  startedAt: number;
  profile: WorkloadProfileName;
  counters: DomainCounterBase;
}

export type FsType = 'ext3' | 'ext4' | 'xfs' | 'btrfs' | 'swap';

export interface SimFilesystem {
  type: FsType;
  uuid: string;
  sizeBytes: number;
  /** The mkfs options it was made with, e.g. ['-N', '100000']. */
  options: string[];
  /** ext3/ext4 only (as mke2fs rounds it to whole block groups); xfs and btrfs allocate inodes dynamically. */
  inodeCount?: number;
  /** Mounted since its last full check: offline resize2fs then asks for `e2fsck -f` first, as the real one does. */
  needsCheck?: boolean;
  /** Image name once an OS archive has been unpacked onto it. */
  osImage?: string;
  /** Files and directories inside the filesystem, keyed by absolute path from its root. */
  files: Record<string, string>;
  dirs: string[];
}

export interface SimLogicalVolume {
  name: string;
  sizeBytes: number;
  filesystem?: SimFilesystem;
  /** Its device-mapper minor while active: the LV is /sys/class/block/dm-<minor>. Absent: inactive (lvs prints -1). */
  kernelMinor?: number;
  /** IO of VBDs that used it and are gone (domain stopped, rebooted, disk detached); a running VBD's counters add to it. */
  pastIo?: BlockStatCounters;
  /** Its bytes, sparse (state/volume-content.ts): generated from a seed except the 1 MiB blocks written since. */
  content?: SimVolumeContent;
}

/**
 * An LV's bytes without holding them: every 1 MiB block is generated from `seed` and its
 * index unless `blocks` says otherwise: `g:<seed>` generated from another seed (a block
 * copied from another LV), `z` zeros, `r:<base64>` raw bytes. Block 0 of an LV with a
 * filesystem reads as its superblock (the filesystem record), so a copy carries it.
 */
export interface SimVolumeContent {
  seed: string;
  blocks?: Record<string, string>;
}

export interface SimVolumeGroup {
  name: string;
  sizeBytes: number;
  extentBytes: number;
  lvs: SimLogicalVolume[];
}

/** Random IO the host's disks sustain, for the contention model (state/disk-contention.ts). */
export interface DiskCapacity {
  iops: number;
  /** Decimal megabytes per second. */
  mbps: number;
}

/** A block device of the Dom0 under /sys/class/block, by its kernel name. */
export interface SimBlockDevice {
  name: string;
  kind: 'disk' | 'partition' | 'raid1' | 'loop';
  /** A partition's disk. */
  parent?: string;
  /** A RAID1 array's member partitions. */
  members?: string[];
  /** What the Dom0 uses an array for; `pv` holds the volume group. */
  use?: 'swap' | 'root' | 'pv';
}

/**
 * The Dom0's own disks. Device counters are lazy like the domains': the value
 * at t is `counters + rate * (t - baseAt)`, folded in by every checkpoint.
 * They restart from zero only when the host reboots.
 */
export interface SimStorage {
  devices: SimBlockDevice[];
  capacity: DiskCapacity;
  baseAt: number;
  counters: Record<string, BlockStatCounters>;
}

export interface SimMount {
  lv: string;
  dir: string;
}

export interface SimHostState {
  hostname: string;
  totalMemoryMiB: number;
  dom0MemMiB: number;
  dom0Vcpus: number;
  cpus: number;
  /** Simulated unix seconds when the host booted. */
  bootedAt: number;
  dom0CpuSeconds: number;
  dom0CpuBaseAt: number;
  nextDomid: number;
  domains: SimDomain[];
  vg: SimVolumeGroup;
  /** The disks and RAID arrays under the volume group. */
  storage: SimStorage;
  mounts: SimMount[];
  /** Files of the root filesystem: path to content. */
  files: Record<string, string>;
  dirs: string[];
  /** `carve-sim stream-rate`: MB/s (10^6 bytes) at which dd reads or writes an LV; absent or 0: as fast as the host can. */
  streamRateMBps?: number;
}

import { createStorage } from './block-devices';
import { DEFAULT_DISK_CAPACITY } from './disk-contention';
import type { DiskCapacity, SimHostState } from './host-state';
import { IMAGE_DIR, SEED_IMAGES } from './os-images';
import { RESCUE_DIR, RESCUE_FILES } from './rescue-image';

export interface HostShape {
  name: string;
  totalMemoryMiB: number;
  dom0MemMiB: number;
  cpus: number;
  vgName: string;
  vgSizeGiB: number;
  /** The disks under the volume group; DEFAULT_DISK_CAPACITY (two SATA drives in RAID1) when absent. */
  diskCapacity?: DiskCapacity;
}

const DEFAULT_DIRS = ['/', '/etc', '/etc/xen', '/var', '/var/lib', '/var/lib/carve', IMAGE_DIR, RESCUE_DIR, '/mnt', '/tmp', '/root', '/dev', '/sys'];

export function createInitialState(shape: HostShape, now: number): SimHostState {
  return {
    hostname: shape.name,
    totalMemoryMiB: shape.totalMemoryMiB,
    dom0MemMiB: shape.dom0MemMiB,
    dom0Vcpus: Math.min(4, shape.cpus),
    cpus: shape.cpus,
    bootedAt: now,
    dom0CpuSeconds: 0,
    dom0CpuBaseAt: now,
    nextDomid: 1,
    domains: [],
    vg: { name: shape.vgName, sizeBytes: shape.vgSizeGiB * 1024 ** 3, extentBytes: 4 * 1024 ** 2, lvs: [] },
    storage: createStorage(now, shape.diskCapacity ?? DEFAULT_DISK_CAPACITY),
    mounts: [],
    files: { ...SEED_IMAGES, ...RESCUE_FILES, '/etc/hostname': `${shape.name}\n` },
    dirs: [...DEFAULT_DIRS],
  };
}

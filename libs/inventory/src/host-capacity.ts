import type { Host } from './host.entity';

export interface ResourceCapacity {
  total: number;
  allocated: number;
  free: number;
}

export interface HostCapacity {
  memoryMiB: ResourceCapacity & { physicalMiB: number; dom0ReservedMiB: number; xenOverheadMiB: number };
  diskGiB: ResourceCapacity;
  vcpus: ResourceCapacity & { threads: number; overcommitRatio: string };
}

/**
 * Memory Xen keeps for itself before Dom0 or any DomU: its frame table (a 32-byte
 * page_info per 4 KiB page, 1/128 of RAM) plus a fixed 64 MiB for the hypervisor heap.
 * Per-domain overhead (about 2 MiB each) is charged when a server is placed.
 */
export function xenOverheadMiB(totalMemoryMiB: number): number {
  return Math.ceil(totalMemoryMiB / 128) + 64;
}

/** vCPUs a host may hand out: threads x overcommit ratio, ratio kept as a 2-decimal string. */
export function vcpuCapacity(cpuThreads: number, overcommitRatio: string): number {
  const [whole = '0', fraction = ''] = overcommitRatio.split('.');
  const hundredths = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return Math.floor((cpuThreads * hundredths) / 100);
}

export function allocatableMemoryMiB(host: Pick<Host, 'totalMemoryMiB' | 'dom0MemoryMiB'>): number {
  return Math.max(0, host.totalMemoryMiB - host.dom0MemoryMiB - xenOverheadMiB(host.totalMemoryMiB));
}

function resource(total: number, allocated: number): ResourceCapacity {
  return { total, allocated, free: Math.max(0, total - allocated) };
}

export function hostCapacity(host: Host): HostCapacity {
  return {
    memoryMiB: {
      ...resource(allocatableMemoryMiB(host), host.allocatedMemoryMiB),
      physicalMiB: host.totalMemoryMiB,
      dom0ReservedMiB: host.dom0MemoryMiB,
      xenOverheadMiB: xenOverheadMiB(host.totalMemoryMiB),
    },
    diskGiB: resource(host.volumeGroupSizeGiB, host.allocatedDiskGiB),
    vcpus: {
      ...resource(vcpuCapacity(host.cpuThreads, host.vcpuOvercommitRatio), host.allocatedVcpus),
      threads: host.cpuThreads,
      overcommitRatio: host.vcpuOvercommitRatio,
    },
  };
}

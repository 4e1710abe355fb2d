import type { WorkloadProfileName } from '@carve/dom0-sim';

/** Every simulated host has this shape and is registered with it (50 servers of at most 1 vCPU, 1 GiB and 10 GiB fit with room). */
export const FLEET_HOST_SHAPE = { cpus: 16, totalMemoryMiB: 65536, dom0MemMiB: 4096, vgName: 'vg0', vgSizeGiB: 1800 } as const;
export const FLEET_SERVER_SIZE = { vcpus: 1, memoryMiB: 1024, diskGiB: 10 } as const;

/** A host of the fleet as the bench reaches it (the host itself lives in the fleet child). */
export interface FleetEndpoint {
  name: string;
  port: number;
  hostKeyFingerprint: string;
}

/** A DomU the fleet child starts on a host: named as carve named its server's domain and volume. */
export interface FleetDomain {
  domainName: string;
  volumeName: string;
  profile: WorkloadProfileName;
}

/** A mix with some of every workload: mostly web and idle, one in twenty each io-heavy, cpu-bound and network-heavy. */
export function profileFor(index: number): WorkloadProfileName {
  const k = index % 20;
  if (k === 0) return 'io-heavy';
  if (k === 1) return 'cpu-bound';
  if (k === 2) return 'network-heavy';
  if (k < 8) return 'idle';
  return 'web';
}

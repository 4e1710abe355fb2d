export { startSimHost } from './sim-host';
export type { SimHost, SimHostOptions } from './sim-host';
export type { SimHostState, SimDomain, SimLogicalVolume, SimFilesystem, VbdCounters, VifCounters, DiskCapacity } from './state/host-state';
export { DEFAULT_DISK_CAPACITY } from './state/disk-contention';
export type { FailRule, DelayRule, DropRule } from './faults';
export { WORKLOAD_PROFILES, type WorkloadProfileName } from './workload-profiles';
export { generateEd25519KeyPair } from './generate-key';
export { simAdminKeyIn, type SimAdminKey } from './admin-key';

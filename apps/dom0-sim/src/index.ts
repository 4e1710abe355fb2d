export { startSimHost } from './sim-host';
export type { SimHost, SimHostOptions } from './sim-host';
export type { SimHostState, SimDomain, SimLogicalVolume, SimFilesystem, VbdCounters, VifCounters } from './state/host-state';
export type { FailRule, DelayRule, DropRule } from './faults';
export { WORKLOAD_PROFILES, type WorkloadProfileName } from './workload-profiles';
export { generateEd25519KeyPair } from './generate-key';

/** Simulated time runs this much faster than real time (only shutdowns wait in the simulator). */
export const SIM_TIME_FACTOR = 1000;

/** The shape every simulated host has and is registered with. */
export const HOST_SHAPE = { cpus: 16, totalMemoryMiB: 65536, dom0MemMiB: 4096, vgName: 'vg0', vgSizeGiB: 1800 } as const;

/** One simulated host as the bench reaches it (the host itself lives in the sim child). */
export interface SimEndpoint {
  name: string;
  port: number;
  hostKeyFingerprint: string;
  /** The simulator's admin key: raw command lines (the baselines, `carve-sim`); carve's key reaches only the agent. */
  adminPrivateKey: string;
}

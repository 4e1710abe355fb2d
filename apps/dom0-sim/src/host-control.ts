import type { DelayRule, DropRule, FailRule } from './faults';
import type { SimRuntime } from './sim-runtime';
import { rebootStorage } from './state/block-devices';
import { checkpointAll } from './state/domain-counters';
import type { DiskCapacity, SimHostState } from './state/host-state';
import type { WorkloadProfileName } from './workload-profiles';

/** Simulator controls shared by `carve-sim ...` over SSH and the SimHost methods tests call. */
export class HostControl {
  constructor(private readonly runtime: SimRuntime) {}

  /** Returns false when no such domain runs. */
  setWorkload(domain: string, profile: WorkloadProfileName): boolean {
    const { state } = this.runtime;
    const d = state.domains.find((x) => x.name === domain || String(x.domid) === domain);
    if (!d) return false;
    checkpointAll(state, this.runtime.clock.now());
    d.profile = profile;
    return true;
  }

  /** What the host's disks deliver (state/disk-contention.ts); counters keep what they had. */
  setDiskCapacity(capacity: DiskCapacity): void {
    const { state } = this.runtime;
    checkpointAll(state, this.runtime.clock.now());
    state.storage.capacity = { ...capacity };
  }

  fail(rule: FailRule): void {
    this.runtime.faults.addFail(rule);
  }
  delay(rule: DelayRule): void {
    this.runtime.faults.addDelay(rule);
  }
  drop(rule: DropRule): void {
    this.runtime.faults.addDrop(rule);
  }
  clearFaults(): void {
    this.runtime.faults.clear();
  }

  /**
   * The host reboots: every domain comes back under a new domid with counters from zero, mounts are gone,
   * the disks' counters restart and the LVs get their device-mapper minors afresh.
   */
  rebootHost(): void {
    const { state } = this.runtime;
    const now = this.runtime.clock.now();
    state.bootedAt = now;
    state.dom0CpuSeconds = 0;
    state.dom0CpuBaseAt = now;
    state.mounts = [];
    rebootStorage(state, now);
    state.domains = [...state.domains]
      .sort((a, b) => a.domid - b.domid)
      .map((d) => ({ ...d, domid: state.nextDomid++, startedAt: now, counters: { baseAt: now, cpuSeconds: 0, vbds: {}, vifs: {} } }));
  }

  setTimeFactor(factor: number): void {
    this.runtime.clock.setTimeFactor(factor);
  }

  snapshot(): SimHostState {
    return structuredClone(this.runtime.state);
  }

  reset(): void {
    this.runtime.faults.clear();
    this.runtime.replaceState(this.runtime.freshState());
  }
}

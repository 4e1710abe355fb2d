import { randomUUID } from 'node:crypto';
import type { SimDomainConfig } from '../domain-config.reader';
import type { WorkloadProfileName } from '../workload-profiles';
import { retireVbds } from './block-devices';
import { checkpointAll } from './domain-counters';
import type { SimDomain, SimHostState } from './host-state';

/** A fresh domain from its config: a new domid, counters from zero. */
export function startDomain(state: SimHostState, config: SimDomainConfig, configPath: string, now: number, profile: WorkloadProfileName = 'idle', uuid: string = randomUUID()): SimDomain {
  checkpointAll(state, now);
  const domain: SimDomain = {
    domid: state.nextDomid,
    name: config.name,
    uuid,
    type: config.type,
    configPath,
    targetMiB: config.memoryMiB,
    memoryMiB: config.memoryMiB,
    maxMemMiB: config.maxMemMiB,
    vcpus: config.vcpus,
    maxVcpus: config.maxVcpus,
    cpuWeight: config.cpuWeight,
    capPercent: config.capPercent,
    ...(config.bootloader !== undefined ? { bootloader: config.bootloader } : {}),
    ...(config.kernel !== undefined ? { kernel: config.kernel } : {}),
    ...(config.ramdisk !== undefined ? { ramdisk: config.ramdisk } : {}),
    ...(config.cmdline !== undefined ? { cmdline: config.cmdline } : {}),
    disks: config.disks.map((d) => ({ ...d })),
    vifs: config.vifs.map((v, devid) => ({ devid, ...v })),
    onPoweroff: config.onPoweroff,
    onReboot: config.onReboot,
    onCrash: config.onCrash,
    startedAt: now,
    profile,
    counters: { baseAt: now, cpuSeconds: 0, vbds: {}, vifs: {} },
  };
  state.nextDomid += 1;
  state.domains.push(domain);
  return domain;
}

export function removeDomain(state: SimHostState, domid: number, now: number): void {
  checkpointAll(state, now);
  const domain = state.domains.find((d) => d.domid === domid);
  if (domain) retireVbds(state, domain);
  state.domains = state.domains.filter((d) => d.domid !== domid);
}

/** What a reboot does: the same domain comes back under a new domid with its counters from zero. */
export function restartDomain(state: SimHostState, domain: SimDomain, now: number): SimDomain {
  checkpointAll(state, now);
  retireVbds(state, domain);
  const index = state.domains.indexOf(domain);
  const restarted: SimDomain = {
    ...domain,
    domid: state.nextDomid,
    startedAt: now,
    counters: { baseAt: now, cpuSeconds: 0, vbds: {}, vifs: {} },
  };
  state.nextDomid += 1;
  state.domains.splice(index, 1, restarted);
  return restarted;
}

/** LVs a running domain has open (its disks' targets). */
export function lvInUse(state: SimHostState, devicePaths: readonly string[]): SimDomain | undefined {
  return state.domains.find((d) => d.disks.some((disk) => devicePaths.includes(disk.target)));
}

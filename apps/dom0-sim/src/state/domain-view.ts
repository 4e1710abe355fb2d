import { PROFILE_RATES } from '../workload-profiles';
import { countersAt, dom0CpuSecondsAt } from './domain-counters';
import type { SimDomain, SimHostState } from './host-state';

/** What the xl and xentop formatters need of a domain, Dom0 included. */
export interface DomainView {
  name: string;
  domid: number;
  memoryMiB: number;
  maxMemMiB: number | undefined;
  vcpus: number;
  maxVcpus: number;
  running: boolean;
  cpuSeconds: number;
  startedAt: number;
  cpuWeight: number;
  capPercent: number;
  domain?: SimDomain;
}

export function dom0View(state: SimHostState, now: number): DomainView {
  return {
    name: 'Domain-0',
    domid: 0,
    memoryMiB: state.dom0MemMiB,
    maxMemMiB: state.dom0MemMiB,
    vcpus: state.dom0Vcpus,
    maxVcpus: state.dom0Vcpus,
    running: true,
    cpuSeconds: dom0CpuSecondsAt(state, now),
    startedAt: state.bootedAt,
    cpuWeight: 256,
    capPercent: 0,
  };
}

export function domUView(state: SimHostState, domain: SimDomain, now: number): DomainView {
  return {
    name: domain.name,
    domid: domain.domid,
    memoryMiB: domain.memoryMiB,
    maxMemMiB: domain.maxMemMiB,
    vcpus: domain.vcpus,
    maxVcpus: domain.maxVcpus,
    running: PROFILE_RATES[domain.profile].running,
    cpuSeconds: countersAt(state, domain, now).cpuSeconds,
    startedAt: domain.startedAt,
    cpuWeight: domain.cpuWeight,
    capPercent: domain.capPercent,
    domain,
  };
}

/** Dom0 first, then DomUs by domid, as xl prints them. */
export function allDomainViews(state: SimHostState, now: number): DomainView[] {
  const domUs = [...state.domains].sort((a, b) => a.domid - b.domid).map((d) => domUView(state, d, now));
  return [dom0View(state, now), ...domUs];
}

/** xl's domain qualifier: a domid or a name. */
export type DomainLookup = { kind: 'found'; view: DomainView } | { kind: 'no-name' } | { kind: 'no-id'; domid: number };

export function lookupDomain(state: SimHostState, qualifier: string, now: number): DomainLookup {
  if (/^\d+$/.test(qualifier)) {
    const domid = Number(qualifier);
    if (domid === 0) return { kind: 'found', view: dom0View(state, now) };
    const d = state.domains.find((x) => x.domid === domid);
    return d ? { kind: 'found', view: domUView(state, d, now) } : { kind: 'no-id', domid };
  }
  if (qualifier === 'Domain-0') return { kind: 'found', view: dom0View(state, now) };
  const d = state.domains.find((x) => x.name === qualifier);
  return d ? { kind: 'found', view: domUView(state, d, now) } : { kind: 'no-name' };
}

/** Memory a DomU holds on the host: target plus page-table/shadow overhead, rounded up to 2 MiB. */
export function domainFootprintMiB(type: SimDomain['type'], memoryMiB: number): number {
  const need = memoryMiB + (type === 'pv' ? 1 : 2);
  return Math.ceil(need / 2) * 2;
}

export function freeMemoryMiB(state: SimHostState): number {
  const used = state.domains.reduce((sum, d) => sum + domainFootprintMiB(d.type, d.memoryMiB), 0);
  return Math.max(0, state.totalMemoryMiB - state.dom0MemMiB - used);
}

import { fail, ok, type CommandResult } from '../command-result';
import { parseDiskSpec } from '../domain-config.reader';
import type { CommandInput } from '../sim-runtime';
import { retireVbds } from '../state/block-devices';
import { checkpointAll } from '../state/domain-counters';
import { allDomainViews, domainFootprintMiB, freeMemoryMiB } from '../state/domain-view';
import { lvForDevice } from '../state/vfs';
import { formatSchedCredit2 } from './xl-query.command';
import { isResult, libxlError, privileged, requiresArgs, resolveDomain } from './xl-domain-arg';

const MEM_UNITS: Record<string, number> = { b: 1 / (1024 * 1024), k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };

/** xl's parse_mem_size_kb: no suffix means MiB. Returns MiB, or undefined. */
export function parseMemMiB(text: string): number | undefined {
  const m = /^(\d+)([bkmgtBKMGT]?)$/.exec(text);
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * MEM_UNITS[(m[2] || 'm').toLowerCase()]);
}

export function xlMemSet(input: CommandInput): CommandResult {
  if (input.args.length < 2) return requiresArgs('mem-set', 2);
  const [qualifier, size] = input.args;
  const { state } = input.runtime;
  const view = resolveDomain(state, qualifier, input.runtime.clock.now());
  if (isResult(view)) return view;
  const mib = parseMemMiB(size);
  if (mib === undefined) return fail(`Invalid memory size: ${size}\n`);
  const domain = view.domain;
  if (!domain) return privileged('libxl_set_memory_target');
  if (mib > domain.maxMemMiB) {
    return fail(libxlError('libxl_mem.c', 286, 'libxl_set_memory_target', domain.domid, 'memory_dynamic_max must be less than or equal to memory_static_max') + `cannot set domid ${domain.domid} memory to : ${size}\n`);
  }
  domain.targetMiB = mib;
  // Ballooning up takes only what the host still has; the target stays where it was set.
  const room = freeMemoryMiB(state) + domainFootprintMiB(domain.type, domain.memoryMiB) - domainFootprintMiB(domain.type, 0);
  domain.memoryMiB = Math.min(mib, room);
  return ok();
}

export function xlVcpuSet(input: CommandInput): CommandResult {
  if (input.args.length < 2) return requiresArgs('vcpu-set', 2);
  const [qualifier, countText] = input.args;
  const { state } = input.runtime;
  const now = input.runtime.clock.now();
  const view = resolveDomain(state, qualifier, now);
  if (isResult(view)) return view;
  if (!/^\d+$/.test(countText) || Number(countText) < 1) return fail(`Invalid number of vcpus: ${countText}\n`);
  const count = Number(countText);
  const domain = view.domain;
  if (!domain) return privileged('libxl_set_vcpuonline');
  if (count > state.cpus) {
    return fail(`You are overcommmitting! You have ${state.cpus} physical CPUs and want ${count} vCPUs! Aborting, use --ignore-host to continue\n`);
  }
  if (count > domain.maxVcpus) {
    return fail(libxlError('libxl_domain.c', 1968, 'libxl_set_vcpuonline', domain.domid, `Requested ${count} VCPUs, however maxcpus is ${domain.maxVcpus}!`) + `libxl_set_vcpuonline failed domid=${domain.domid} max_vcpus=${count}, rc: -3\n`);
  }
  checkpointAll(state, now);
  domain.vcpus = count;
  return ok();
}

/** `xl sched-credit2` lists; `-d dom [-w W] [-c CAP]` shows or sets one domain. */
export function xlSchedCredit2(input: CommandInput): CommandResult {
  const { state } = input.runtime;
  const now = input.runtime.clock.now();
  let dom: string | undefined;
  let weight: string | undefined;
  let cap: string | undefined;
  for (let i = 0; i < input.args.length; i += 1) {
    const a = input.args[i];
    const next = input.args[i + 1];
    if (next === undefined) continue;
    if (a === '-d' || a === '--domain') dom = next;
    else if (a === '-w' || a === '--weight') weight = next;
    else if (a === '-c' || a === '--cap') cap = next;
    else continue;
    i += 1;
  }
  if (dom === undefined) {
    if (weight !== undefined || cap !== undefined) return fail('Must specify a domain.\n');
    return ok(formatSchedCredit2(allDomainViews(state, now), true));
  }
  const view = resolveDomain(state, dom, now);
  if (isResult(view)) return view;
  if (weight === undefined && cap === undefined) return ok(formatSchedCredit2([view], false));
  const w = weight === undefined ? view.cpuWeight : Number(weight);
  const c = cap === undefined ? view.capPercent : Number(cap);
  if (!Number.isInteger(w) || w < 1 || w > 65535) {
    return fail(libxlError('libxl_sched.c', 464, 'sched_credit2_domain_set', view.domid, 'Cpu weight out of range, valid range is from 1 to 65535') + 'libxl_domain_sched_params_set failed.\n');
  }
  // libxl bounds the cap by the domain's own vCPUs ((max_vcpu_id + 1) * 100), not the host's.
  const maxCap = 100 * (view.domain?.maxVcpus ?? state.cpus);
  if (!Number.isInteger(c) || c < 0 || c > maxCap) {
    return fail(libxlError('libxl_sched.c', 471, 'sched_credit2_domain_set', view.domid, `Cpu cap out of range, valid range is from 0 to ${maxCap} for specified number of vcpus`) + 'libxl_domain_sched_params_set failed.\n');
  }
  if (!view.domain) return ok();
  checkpointAll(state, now);
  view.domain.cpuWeight = w;
  view.domain.capPercent = c;
  return ok();
}

export function xlBlockAttach(input: CommandInput): CommandResult {
  if (input.args.length < 2) return requiresArgs('block-attach', 2);
  const { state } = input.runtime;
  const now = input.runtime.clock.now();
  const view = resolveDomain(state, input.args[0], now);
  if (isResult(view)) return view;
  const spec = parseDiskSpec(input.args.slice(1).join(','));
  if (!spec) return fail(`Invalid disk specification: ${input.args.slice(1).join(' ')}\n`);
  if (!view.domain) return privileged('libxl_device_disk_add');
  if (!lvForDevice(state, spec.target)) {
    return fail(libxlError('libxl_device.c', 353, 'libxl__device_disk_set_backend', undefined, `Disk vdev=${spec.vdev} failed to stat: ${spec.target}: No such file or directory`));
  }
  if (view.domain.disks.some((d) => d.vdev === spec.vdev)) {
    return fail(libxlError('libxl_device.c', 1762, 'device_addrm_aocomplete', undefined, 'unable to add device with path /local/domain/0/backend/vbd/' + `${view.domid}/${51712 + 16 * (spec.vdev.charCodeAt(3) - 97)}`) + 'libxl_device_disk_add failed.\n');
  }
  checkpointAll(state, now);
  view.domain.disks.push(spec);
  return ok();
}

export function xlBlockDetach(input: CommandInput): CommandResult {
  if (input.args.length < 2) return requiresArgs('block-detach', 2);
  const { state } = input.runtime;
  const now = input.runtime.clock.now();
  const view = resolveDomain(state, input.args[0], now);
  if (isResult(view)) return view;
  const vdev = input.args[1];
  const index = view.domain?.disks.findIndex((d) => d.vdev === vdev || String(51712 + 16 * (d.vdev.charCodeAt(3) - 97)) === vdev) ?? -1;
  if (!view.domain || index < 0) return fail(`Error: Device ${vdev} not connected.\n`);
  checkpointAll(state, now);
  retireVbds(state, view.domain, [view.domain.disks[index].vdev]);
  const [removed] = view.domain.disks.splice(index, 1);
  delete view.domain.counters.vbds[removed.vdev];
  delete view.domain.counters.vbdTimes?.[removed.vdev];
  return ok();
}

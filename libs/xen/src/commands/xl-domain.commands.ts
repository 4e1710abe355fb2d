import { XenArgumentError } from '../errors/xen-argument.error';
import {
  validateAbsolutePath,
  validateDomainName,
  validateDomainRef,
  validateNonNegativeInteger,
  validatePositiveInteger,
  validateVdev,
  Vdev,
} from '../shell/argument-validators';
import { buildCommand } from './build-command';
import { asVerb, Dom0Command } from './dom0-command';
import { xlCreateRescueCommand, type DomainConfigVariant } from './rescue-domain.commands';
import { domainConfigPath, variantOf } from './write-file.commands';

/** A domain by name, or by domid. */
export type DomainRef = string | number;

export function xlCreateCommand(name: string, variant: DomainConfigVariant = 'normal'): Dom0Command {
  if (variantOf(variant) === 'rescue') return asVerb('xl.create', { name, variant }, xlCreateRescueCommand(name));
  const path = domainConfigPath(validateDomainName(name, 'name'));
  return asVerb('xl.create', { name, variant }, buildCommand(['xl', 'create', path], `start domain ${name} from ${path}`));
}

/** `-w` waits for the guest to finish shutting down; the caller applies a timeout, then `xl destroy`. */
export function xlShutdownCommand(domain: DomainRef): Dom0Command {
  const ref = validateDomainRef(domain);
  return asVerb('xl.shutdown', { domain }, buildCommand(['xl', 'shutdown', '-w', ref], `shut down domain ${ref} and wait`));
}

export function xlDestroyCommand(domain: DomainRef): Dom0Command {
  const ref = validateDomainRef(domain);
  return asVerb('xl.destroy', { domain }, buildCommand(['xl', 'destroy', ref], `destroy domain ${ref}`));
}

export function xlRebootCommand(domain: DomainRef): Dom0Command {
  const ref = validateDomainRef(domain);
  return asVerb('xl.reboot', { domain }, buildCommand(['xl', 'reboot', ref], `reboot domain ${ref}`));
}

export function xlMemSetCommand(domain: DomainRef, memoryMiB: number): Dom0Command {
  const ref = validateDomainRef(domain);
  const mib = validatePositiveInteger(memoryMiB, 'memoryMiB');
  return asVerb('xl.mem-set', { domain, memoryMiB }, buildCommand(['xl', 'mem-set', ref, `${mib}m`], `set memory of domain ${ref} to ${mib} MiB`));
}

export function xlVcpuSetCommand(domain: DomainRef, vcpus: number): Dom0Command {
  const ref = validateDomainRef(domain);
  const count = validatePositiveInteger(vcpus, 'vcpus', 512);
  return asVerb('xl.vcpu-set', { domain, vcpus }, buildCommand(['xl', 'vcpu-set', ref, String(count)], `set online vCPUs of domain ${ref} to ${count}`));
}

export interface SchedCredit2Settings {
  /** 1..65535, relative share under contention. */
  readonly weight?: number;
  /** % of one pCPU, 0 = no cap. */
  readonly capPercent?: number;
}

export function xlSchedCredit2SetCommand(domain: DomainRef, settings: SchedCredit2Settings): Dom0Command {
  const ref = validateDomainRef(domain);
  if (settings.weight === undefined && settings.capPercent === undefined) {
    throw new XenArgumentError('settings', 'give a weight, a cap or both');
  }
  const weight = settings.weight === undefined ? [] : ['-w', String(validatePositiveInteger(settings.weight, 'weight', 65535))];
  const cap = settings.capPercent === undefined ? [] : ['-c', String(validateNonNegativeInteger(settings.capPercent, 'capPercent', 100 * 512))];
  return asVerb('xl.sched-credit2-set', { domain, settings: { ...settings } }, buildCommand(['xl', 'sched-credit2', '-d', ref, ...weight, ...cap], `set credit2 weight/cap of domain ${ref}`));
}

export interface BlockAttachOptions {
  readonly target: string;
  readonly vdev: Vdev;
  readonly access: 'w' | 'r';
}

export function xlBlockAttachCommand(domain: DomainRef, disk: BlockAttachOptions): Dom0Command {
  const ref = validateDomainRef(domain);
  const target = validateAbsolutePath(disk.target, 'target');
  if (target.includes(',')) throw new XenArgumentError('target', 'must not contain a comma (it splits the disk spec)', target);
  const vdev = validateVdev(disk.vdev);
  if (disk.access !== 'w' && disk.access !== 'r') throw new XenArgumentError('access', 'must be w or r', disk.access);
  return asVerb('xl.block-attach', { domain, disk: { ...disk } }, buildCommand(['xl', 'block-attach', ref, `phy:${target},${vdev},${disk.access}`], `attach ${target} to domain ${ref} as ${vdev}`));
}

export function xlBlockDetachCommand(domain: DomainRef, vdev: Vdev): Dom0Command {
  const ref = validateDomainRef(domain);
  const device = validateVdev(vdev);
  return asVerb('xl.block-detach', { domain, vdev }, buildCommand(['xl', 'block-detach', ref, device], `detach ${device} from domain ${ref}`));
}

// Rescue mode keeps a second config beside the normal one (/etc/xen/NAME.rescue.cfg), so the
// normal /etc/xen/NAME.cfg is never rewritten for a rescue and leaving it restores it exactly.
import { DomainSpec } from '../domain-config/domain-spec';
import { renderDomainConfig } from '../domain-config/render-domain-config';
import { validateDomainName } from '../shell/argument-validators';
import { buildCommand } from './build-command';
import { Dom0Command } from './dom0-command';
import { domainConfigPath, writeFileCommand } from './write-file.commands';

/** Which of a domain's configs: the one it normally boots, or the rescue system's. */
export type DomainConfigVariant = 'normal' | 'rescue';

export function rescueConfigPath(name: string): string {
  return `/etc/xen/${validateDomainName(name, 'name')}.rescue.cfg`;
}

export function configPathFor(name: string, variant: DomainConfigVariant): string {
  return variant === 'rescue' ? rescueConfigPath(name) : domainConfigPath(name);
}

export function writeRescueConfigCommand(spec: DomainSpec): Dom0Command {
  return writeFileCommand(rescueConfigPath(spec.name), renderDomainConfig(spec), `write rescue config for ${spec.name}`);
}

/** `xl create /etc/xen/NAME.rescue.cfg`: the domain keeps its name, so metering and the reconciler still know it. */
export function xlCreateRescueCommand(name: string): Dom0Command {
  const path = rescueConfigPath(name);
  return buildCommand(['xl', 'create', path], `start domain ${name} in rescue from ${path}`);
}

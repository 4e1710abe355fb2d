import { DomainSpec } from '../domain-config/domain-spec';
import { renderDomainConfig } from '../domain-config/render-domain-config';
import { validateAbsolutePath, validateDomainName } from '../shell/argument-validators';
import { XenArgumentError } from '../errors/xen-argument.error';
import { buildCommand } from './build-command';
import { asVerb, Dom0Command } from './dom0-command';
import { pathExistsCommand, readFileCommand, removeFileCommand } from './file.commands';
import { configPathFor, writeRescueConfigCommand, type DomainConfigVariant } from './rescue-domain.commands';

/**
 * Writing a file on the Dom0: `writeTo` names the file and `stdin` is its content. The agent
 * writes it itself (no shell, no `cat`); `line` shows it as the `cat > <path>` it amounts to.
 * Never a verb of its own: only the agent's procedures (image install) and the domain-config
 * verbs write files, each to a path they chose.
 */
export function writeFileCommand(path: string, content: string, description = `write ${path}`): Dom0Command {
  const target = validateAbsolutePath(path, 'path');
  return { line: `cat > ${buildCommand([target], description).line}`, writeTo: target, stdin: content, description };
}

export function domainConfigPath(name: string): string {
  return `/etc/xen/${validateDomainName(name, 'name')}.cfg`;
}

export function writeDomainConfigCommand(spec: DomainSpec, variant: DomainConfigVariant = 'normal'): Dom0Command {
  const command = variant === 'rescue' ? writeRescueConfigCommand(spec) : writeFileCommand(domainConfigPath(spec.name), renderDomainConfig(spec), `write domain config for ${spec.name}`);
  return asVerb('domain-config.write', { spec, variant }, command);
}

export function readDomainConfigCommand(name: string, variant: DomainConfigVariant = 'normal'): Dom0Command {
  return asVerb('domain-config.read', { name, variant }, readFileCommand(configPathFor(name, variantOf(variant))));
}

export function domainConfigExistsCommand(name: string, variant: DomainConfigVariant = 'normal'): Dom0Command {
  return asVerb('domain-config.exists', { name, variant }, pathExistsCommand(configPathFor(name, variantOf(variant))));
}

export function removeDomainConfigCommand(name: string, variant: DomainConfigVariant = 'normal'): Dom0Command {
  return asVerb('domain-config.remove', { name, variant }, removeFileCommand(configPathFor(name, variantOf(variant))));
}

/** Only the two configs of a domain: anything else would let a request name another file. */
export function variantOf(value: unknown): DomainConfigVariant {
  if (value === undefined || value === 'normal') return 'normal';
  if (value === 'rescue') return 'rescue';
  throw new XenArgumentError('variant', 'must be normal or rescue', value);
}

import { DomainSpec } from '../domain-config/domain-spec';
import { renderDomainConfig } from '../domain-config/render-domain-config';
import { validateAbsolutePath, validateDomainName } from '../shell/argument-validators';
import { buildCommand } from './build-command';
import { Dom0Command } from './dom0-command';

/** Writing a file on the Dom0 is always `cat > <path>` with the content on stdin: nothing of it touches the line. */
export function writeFileCommand(path: string, content: string, description = `write ${path}`): Dom0Command {
  const target = validateAbsolutePath(path, 'path');
  return { line: `cat > ${buildCommand([target], description).line}`, stdin: content, description };
}

export function domainConfigPath(name: string): string {
  return `/etc/xen/${validateDomainName(name, 'name')}.cfg`;
}

export function writeDomainConfigCommand(spec: DomainSpec): Dom0Command {
  return writeFileCommand(domainConfigPath(spec.name), renderDomainConfig(spec), `write domain config for ${spec.name}`);
}

import { fail, type CommandResult } from '../command-result';
import { lookupDomain, type DomainView } from '../state/domain-view';
import type { SimHostState } from '../state/host-state';

export const libxlError = (file: string, line: number, fn: string, domid: number | undefined, message: string): string =>
  `libxl: error: ${file}:${line}:${fn}: ${domid === undefined ? '' : `Domain ${domid}:`}${message}\n`;

/** Resolve xl's domain argument with xl's messages for an unknown name or id. */
export function resolveDomain(state: SimHostState, qualifier: string, now: number): DomainView | CommandResult {
  const found = lookupDomain(state, qualifier, now);
  if (found.kind === 'found') return found.view;
  if (found.kind === 'no-name') return fail(`${qualifier} is an invalid domain identifier (rc=-6)\n`);
  return fail(libxlError('libxl_domain.c', 352, 'libxl_domain_info', found.domid, 'Non-existant domain'));
}

export const isResult = (x: DomainView | CommandResult): x is CommandResult => 'exitCode' in x;

export const requiresArgs = (cmd: string, n: number): CommandResult => fail(`'xl ${cmd}' requires at least ${n} argument${n === 1 ? '' : 's'}.\n\n`, 2);

/** Dom0 cannot be shut down, destroyed or reshaped through these commands. */
export const privileged = (what: string): CommandResult => fail(libxlError('libxl_domain.c', 1450, what, 0, 'Cannot act on privileged domain 0'));

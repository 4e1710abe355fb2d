import { validateDomainName } from '../shell/argument-validators';
import { buildCommand } from './build-command';
import { asVerb, Dom0Command } from './dom0-command';

/**
 * Attach to a domain's PV console, both ways, for as long as the channel stays open: run
 * with the executor's `execStream` (stdin and stdout piped). Only the channel closes when
 * carve is done; the domain never hears of it. `-t pv` names the console xenconsoled
 * serves for PV and PVH guests (the one carve's domain configs use, `console=hvc0`).
 */
export function xlConsoleCommand(name: string): Dom0Command {
  const domain = validateDomainName(name, 'name');
  return asVerb('console.attach', { name }, buildCommand(['xl', 'console', '-t', 'pv', domain], `attach to the console of domain ${domain}`));
}

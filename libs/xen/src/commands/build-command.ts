import { shellJoin } from '../shell/shell-quote';
import { Dom0Command } from './dom0-command';

/** Every builder goes through here, so no argument reaches the line unquoted. */
export function buildCommand(args: readonly string[], description: string, stdin?: string): Dom0Command {
  return stdin === undefined ? { line: shellJoin(args), description } : { line: shellJoin(args), stdin, description };
}

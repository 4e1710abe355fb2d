import { shellJoin } from '../shell/shell-quote';
import { Dom0Command } from './dom0-command';

/** Every builder goes through here, so no argument reaches the line unquoted, and the argv is kept for the agent. */
export function buildCommand(args: readonly string[], description: string, stdin?: string): Dom0Command {
  const argv = [...args];
  return stdin === undefined ? { line: shellJoin(argv), argv, description } : { line: shellJoin(argv), argv, stdin, description };
}

import type { Dom0CommandInput, Dom0Executor, ExecOptions, ExecResult } from './dom0-executor';
import type { Dom0Target } from './dom0-target';
import { CommandFailedError } from './dom0-transport.errors';

/** exec() for callers that treat any non-zero exit as failure. */
export async function run(
  executor: Dom0Executor,
  target: Dom0Target,
  command: Dom0CommandInput,
  options?: ExecOptions,
): Promise<ExecResult> {
  const result = await executor.exec(target, command, options);
  if (result.exitCode !== 0) {
    throw new CommandFailedError(
      target.hostId,
      command.description ?? command.line,
      result.exitCode,
      result.stderr,
      result.stdout,
    );
  }
  return result;
}

import type { Dom0CommandInput, Dom0Executor, Dom0Target, ExecResult } from '@carve/xen';
import type { HostRunner } from './host-runner';

/** The Dom0 as the agent's procedures see it: libs/xen's procedure code runs over this, locally. */
export const LOCAL_TARGET: Dom0Target = { hostId: 'localhost', address: '127.0.0.1', port: 0, username: 'root', privateKey: '', expectedHostKeyFingerprint: '' };

/** Runs a builder's command here: its argv without a shell, or its file write. Stops everything once `signal` aborts. */
export class LocalExecutor implements Dom0Executor {
  constructor(
    private readonly runner: HostRunner,
    private readonly signal: AbortSignal,
  ) {}

  async exec(_target: Dom0Target, command: Dom0CommandInput): Promise<ExecResult> {
    if (command.writeTo !== undefined) {
      await this.runner.writeFile(command.writeTo, command.stdin ?? '', this.signal);
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    if (command.argv === undefined || command.argv.length === 0) throw new Error(`the agent runs argv only, not a shell line: ${command.line}`);
    return this.runner.run(command.argv, { ...(command.stdin !== undefined ? { stdin: command.stdin } : {}), signal: this.signal });
  }
}

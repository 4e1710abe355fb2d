import { Dom0Command, Dom0Query } from '../commands/dom0-command';
import type { Dom0Executor, ExecResult } from '../ssh/dom0-executor';
import type { Dom0Target } from '../ssh/dom0-target';
import { failureFor } from './dom0-failure.mapper';
import { Dom0OperationError, isDom0FailureCode } from './dom0-operation.error';

/**
 * Runs commands on one Dom0 for the client: transport errors pass through as
 * they are (the caller retries transient ones); a non-zero exit becomes a typed
 * Dom0OperationError when its stderr is a known permanent failure.
 */
export class Dom0Runner {
  constructor(
    private readonly executor: Dom0Executor,
    readonly target: Dom0Target,
    private readonly timeoutMs?: number,
  ) {}

  get hostId(): string {
    return this.target.hostId;
  }

  /** The raw result; a non-zero exit is not an error here. */
  exec(command: Dom0Command, timeoutMs = this.timeoutMs): Promise<ExecResult> {
    return this.executor.exec(this.target, command, timeoutMs === undefined ? {} : { timeoutMs });
  }

  /** Throws the typed failure unless the exit code is one of `okExitCodes` (default 0). */
  async run(command: Dom0Command, options: { okExitCodes?: readonly number[]; timeoutMs?: number } = {}): Promise<ExecResult> {
    const result = await this.exec(command, options.timeoutMs ?? this.timeoutMs);
    if (result.failure !== undefined && isDom0FailureCode(result.failure.code)) {
      throw new Dom0OperationError(result.failure.code, this.hostId, command.description, result.failure.message, { exitCode: result.exitCode, stderr: result.stderr });
    }
    if (!(options.okExitCodes ?? [0]).includes(result.exitCode)) {
      throw failureFor(this.hostId, command.description, result.exitCode, result.stderr, result.stdout);
    }
    return result;
  }

  async query<T>(query: Dom0Query<T>): Promise<T> {
    return query.parse((await this.run(query.command)).stdout);
  }

  /** For `test`, `mountpoint` and the like: exit 0 is yes, the listed codes are no, anything else fails. */
  async check(command: Dom0Command, noExitCodes: readonly number[] = [1]): Promise<boolean> {
    const result = await this.run(command, { okExitCodes: [0, ...noExitCodes] });
    return result.exitCode === 0;
  }
}

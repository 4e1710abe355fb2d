import type { Readable, Writable } from 'node:stream';
import type { Dom0Target } from './dom0-target';

/**
 * The structural shape of a Dom0 command (`Dom0Command` in `@carve/xen` commands):
 * a shell line already quoted by its builder, optional stdin, and a description
 * for logs and errors.
 */
export interface Dom0CommandInput {
  readonly line: string;
  readonly stdin?: string;
  readonly description?: string;
  /** The agent verb, its args, the exact argv and the file written (Dom0Command); executors that speak to the agent need them. */
  readonly verb?: string;
  readonly args?: Readonly<Record<string, unknown>>;
  readonly argv?: readonly string[];
  readonly writeTo?: string;
}

export interface ExecOptions {
  /** Overrides the pool's command timeout; counted from when the command gets a channel. */
  readonly timeoutMs?: number;
}

export interface ExecResult {
  /** The command's exit status; 128 + signal number when a signal ended it (as a shell reports it). */
  readonly exitCode: number;
  /** Set when a signal ended the command, e.g. `KILL`. */
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
  /** A failure the Dom0 agent named itself (a Dom0OperationError code such as `image_missing`), with its message. */
  readonly failure?: { readonly code: string; readonly message: string };
}

/**
 * What job handlers and the typed Dom0 client depend on, so they never see ssh2.
 * A non-zero exit is a result, not an error; use `run()` when it should throw.
 */
export interface Dom0Executor {
  exec(target: Dom0Target, command: Dom0CommandInput, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Like exec, with the channel's stdout piped into `stdout` (ended when the command's
   * output ends) and/or `stdin` piped into the command, with the channel's flow control:
   * for bulk data (a volume streamed through the worker). The result's stdout is empty
   * when it was streamed. Executors that cannot stream leave it out.
   */
  execStream?(target: Dom0Target, command: Dom0CommandInput, streams: ExecStreams, options?: ExecOptions): Promise<ExecResult>;
}

/** Where a streaming command's output goes and where its input comes from. */
export interface ExecStreams {
  readonly stdout?: Writable;
  readonly stdin?: Readable;
  /** Aborting closes the channel (the other end of a copy failed: stop this one now, not at its timeout). */
  readonly signal?: AbortSignal;
}

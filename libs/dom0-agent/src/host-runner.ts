import { spawn } from 'node:child_process';
import { readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface RunOptions {
  /** Text for the process's stdin, or a stream piped into it (stream-write); EOF follows either. */
  readonly stdin?: string | Readable;
  /** Where stdout goes instead of being collected (stream-read). */
  readonly stdout?: Writable;
  /** Aborting kills everything the command started (timeout, or the agent shutting down a stream). */
  readonly signal: AbortSignal;
}

export interface RunResult {
  readonly exitCode: number;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The only thing that differs between a real Dom0 and the simulator: how an argv runs and how
 * files are written and directories listed. Everything else in the agent (validation, journal,
 * locks, timeouts, procedures) is the same code on both.
 */
export interface HostRunner {
  run(argv: readonly string[], options: RunOptions): Promise<RunResult>;
  writeFile(path: string, content: string, signal: AbortSignal): Promise<void>;
  /** Entry names of a directory (sysfs for the metering reading); empty when it does not exist. */
  listDirectory(path: string): Promise<string[]>;
  /** A runner for one request: the simulator holds one simulated instant for a whole procedure. */
  forRequest?(): HostRunner;
  /** Before a procedure's steps, with its display line: the simulator fires faults staged on that line. A result answers instead. */
  beforeProcedure?(line: string, signal: AbortSignal): Promise<RunResult | undefined>;
}

/** Thrown by a runner when the request must not be recorded (the simulator dropped the connection before running it). */
export class AbandonedRequestError extends Error {}

/**
 * Runs argv on this machine, no shell: each command in its own process group
 * (detached), so a timeout kills the whole tree it started with one `kill(-pgid)`.
 */
export class LocalHostRunner implements HostRunner {
  /** `env`: the commands' environment; the agent's own when absent. */
  constructor(private readonly env?: Readonly<Record<string, string | undefined>>) {}

  run(argv: readonly string[], options: RunOptions): Promise<RunResult> {
    return new Promise((resolve) => {
      const [file, ...args] = argv;
      if (file === undefined) throw new Error('empty argv');
      const child = spawn(file, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], ...(this.env ? { env: this.env } : {}) });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const kill = (): void => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // The group is gone already.
          }
        }
      };
      if (options.signal.aborted) kill();
      options.signal.addEventListener('abort', kill, { once: true });
      if (options.stdout) child.stdout.pipe(options.stdout, { end: false });
      else child.stdout.on('data', (c: Buffer) => stdout.push(c));
      child.stderr.on('data', (c: Buffer) => stderr.push(c));
      child.stdin.on('error', () => undefined);
      if (typeof options.stdin === 'object') options.stdin.pipe(child.stdin);
      else child.stdin.end(options.stdin ?? '');
      child.on('error', (error: NodeJS.ErrnoException) => {
        options.signal.removeEventListener('abort', kill);
        // As a shell reports it: 127 for a missing program, 126 for one it may not run.
        resolve({ exitCode: error.code === 'ENOENT' ? 127 : 126, stdout: '', stderr: `carve-agent: ${file}: ${error.message}\n` });
      });
      child.on('close', (code, signal) => {
        options.signal.removeEventListener('abort', kill);
        // The command's own children may still hold the group; a finished command leaves nothing behind.
        if (signal !== null) kill();
        resolve({
          exitCode: code ?? 128 + signalNumber(signal),
          ...(signal !== null ? { signal: signal.replace(/^SIG/, '') } : {}),
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      });
    });
  }

  /** Written beside the target and renamed over it, so a reader never sees half a file. */
  async writeFile(path: string, content: string): Promise<void> {
    const temporary = join(dirname(path), `.${process.pid}.${Date.now()}.carve-agent.tmp`);
    await writeFile(temporary, content, { mode: 0o644 });
    await rename(temporary, path);
  }

  async listDirectory(path: string): Promise<string[]> {
    try {
      return await readdir(path);
    } catch {
      return [];
    }
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };
  return signal === null ? 0 : (numbers[signal] ?? 0);
}

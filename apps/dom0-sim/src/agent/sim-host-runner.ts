import { PassThrough, Readable, Writable } from 'node:stream';
import { AbandonedRequestError, type HostRunner, type RunOptions, type RunResult } from '@carve/dom0-agent';
import { shellJoin } from '@carve/xen';
import { execRuntime, runCommandLine } from '../command-router';
import type { SimRuntime } from '../sim-runtime';
import { sysfsFiles, sysfsPaths } from '../state/sysfs';

export interface SimConnectionHooks {
  /** Cuts the SSH connection the agent session came in on (a `drop` fault). */
  drop(): void;
  /** Saves the state after a command changed it. */
  persist(): Promise<void>;
}

/**
 * The agent's HostRunner on a simulated Dom0: each argv runs as the simulated command it
 * names (the same handlers raw lines reach), the sysfs listing comes from the simulated
 * sysfs, and the faults staged by tests fire on each command's line as they did before.
 */
export class SimHostRunner implements HostRunner {
  constructor(
    private readonly runtime: SimRuntime,
    private readonly hooks: SimConnectionHooks,
  ) {}

  /** One simulated instant for the whole request, as one exec line had. */
  forRequest(): HostRunner {
    return new SimHostRunner(execRuntime(this.runtime), this.hooks);
  }

  beforeProcedure(line: string, signal: AbortSignal): Promise<RunResult | undefined> {
    return this.applyFaults(line, signal);
  }

  async run(argv: readonly string[], options: RunOptions): Promise<RunResult> {
    const line = shellJoin(argv);
    const early = await this.applyFaults(line, options.signal);
    if (early) return early;
    const stdinText = typeof options.stdin === 'string' ? options.stdin : '';
    const streamIn = typeof options.stdin === 'object' ? options.stdin : Readable.from([]);
    const streamOut = options.stdout ?? new PassThrough();
    const result = await runCommandLine(line, {
      runtime: this.runtime,
      readStdin: typeof options.stdin === 'object' ? () => readAll(options.stdin as Readable) : () => Promise.resolve(stdinText),
      closed: options.signal,
      streams: { stdin: streamIn, stdout: streamOut as Writable },
    });
    await this.hooks.persist();
    return result;
  }

  async writeFile(path: string, content: string, signal: AbortSignal): Promise<void> {
    const line = `cat > ${shellJoin([path])}`;
    const early = await this.applyFaults(line, signal);
    if (early) throw new Error(`writing ${path} failed: ${early.stderr.trim()}`);
    const result = await runCommandLine(line, { runtime: this.runtime, readStdin: () => Promise.resolve(content), closed: signal });
    await this.hooks.persist();
    if (result.exitCode !== 0) throw new Error(`writing ${path} failed: ${result.stderr.trim()}`);
  }

  async listDirectory(path: string): Promise<string[]> {
    const prefix = `${path.replace(/\/$/, '')}/`;
    const names = new Set<string>();
    for (const p of sysfsPaths(sysfsFiles(this.runtime.state, this.runtime.clock.now()))) {
      if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]);
    }
    return [...names];
  }

  /**
   * Faults as for a raw exec: `drop` cuts the connection before the command runs (the request
   * is then forgotten, so a resend runs it), `delay` holds it (a timeout meanwhile means it never
   * ran), `fail` answers instead of it.
   */
  async applyFaults(line: string, signal: AbortSignal): Promise<RunResult | undefined> {
    const plan = this.runtime.faults.plan(line);
    if (plan.drop) {
      await new Promise((r) => setTimeout(r, 20));
      this.hooks.drop();
      throw new AbandonedRequestError(`dropped before ${line}`);
    }
    if (plan.delayMs > 0) {
      await sleepUnlessAborted(plan.delayMs, signal);
      if (signal.aborted) return { stdout: '', stderr: '', exitCode: 129 };
    }
    if (plan.fail) return { stdout: '', stderr: plan.fail.stderr, exitCode: plan.fail.exitCode };
    return undefined;
  }
}

function readAll(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CommandFailedError, Dom0OperationError, Dom0Runner, findVerb, XenArgumentError, type Dom0Command, type VerbDefinition } from '@carve/xen';
import { AbandonedRequestError, type HostRunner } from './host-runner';
import { Journal } from './journal';
import { LocalExecutor, LOCAL_TARGET } from './local-executor';
import { ObjectLocks } from './object-locks';
import { newOwner, type Owner } from './owner';
import { REQUEST_ID, type AgentRequest, type AgentResult } from './protocol';

export interface AgentCoreOptions {
  /** Journal and locks live under here. Default (apps/dom0-agent): /var/lib/carve-agent. */
  readonly stateDir: string;
  /** Where procedures mount a guest filesystem they work on. Default /mnt/carve. */
  readonly mountRoot?: string;
  readonly runner: HostRunner;
  /** Finished journal entries are pruned after this. Default 24 h. */
  readonly journalRetentionMs?: number;
  /** Who owns this core's journal entries and locks; a fresh owner when absent (one per agent process). */
  readonly owner?: Owner;
}

/** A request turned down before anything ran. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Prepared {
  readonly request: AgentRequest;
  readonly verb: VerbDefinition;
  readonly command: Dom0Command;
  readonly timeoutMs: number;
  readonly locks: string[];
}

/**
 * The agent's request handling, shared by every mode and by the simulator: validation with
 * the libs/xen builders, the journal, the object locks and the timeout.
 */
export class AgentCore {
  readonly owner: Owner;
  private readonly journal: Journal;
  private readonly locks: ObjectLocks;
  private readonly mountRoot: string;
  private handled = 0;

  constructor(private readonly options: AgentCoreOptions) {
    this.owner = options.owner ?? newOwner();
    this.journal = new Journal(join(options.stateDir, 'journal'), this.owner);
    this.locks = new ObjectLocks(join(options.stateDir, 'locks'), this.owner);
    this.mountRoot = options.mountRoot ?? '/mnt/carve';
  }

  /** One request from `serve` or `call`: never throws; what went wrong is in the result. */
  async handle(raw: unknown, hooks: { beforeRun?: (command: Dom0Command, verb: VerbDefinition) => Promise<void> } = {}): Promise<AgentResult> {
    let prepared: Prepared;
    try {
      prepared = this.prepare(raw, ['command', 'procedure']);
    } catch (error) {
      return refused(idOf(raw), error);
    }
    const { request } = prepared;
    // A query changes nothing: running it again is what a repeat should do, so it needs no journal entry (its file calls were most of a query's round trip).
    if (prepared.verb.readOnly === true) return this.runUnjournalled(prepared, hooks.beforeRun);
    if (this.handled++ === 0) void this.journal.prune(this.options.journalRetentionMs).catch(() => undefined);
    const start = await this.journal.start(request, Date.now() + prepared.timeoutMs + 60_000);
    if (start.kind === 'mismatch') return refused(request.id, new Refusal('id_reused', `request id ${request.id} was used for another request`));
    if (start.kind === 'done') return { ...start.result, id: request.id };
    try {
      const result = await this.runLocked(prepared, hooks.beforeRun);
      await this.journal.finish(request, result);
      return result;
    } catch (error) {
      if (error instanceof AbandonedRequestError) {
        await this.journal.abandon(request.id);
        throw error;
      }
      const result = failed(request.id, error);
      await this.journal.finish(request, result);
      return result;
    }
  }

  /** A stream verb on its own channel: raw bytes on `stdout` (stream-read) or from `stdin` (stream-write). Returns the exit code. */
  async stream(mode: 'stream-read' | 'stream-write', requestJson: string, io: { stdin: Readable; stdout: Writable; stderr: Writable; closed?: AbortSignal }): Promise<number> {
    let prepared: Prepared;
    try {
      prepared = this.prepare(parseJson(requestJson), [mode]);
    } catch (error) {
      io.stderr.write(`carve-agent: refused: ${(error as Error).message}\n`);
      return 2;
    }
    // A stream whose channel closed has nobody at the other end: stop it (and free its volume) instead of waiting out its timeout.
    const { signal, done } = timeoutSignal(prepared.timeoutMs, io.closed);
    try {
      const release = await this.locks.acquire(prepared.locks, signal);
      try {
        const argv = prepared.command.argv ?? [];
        const streams = mode === 'stream-write' ? { stdin: io.stdin } : prepared.verb.interactive ? { stdin: io.stdin, stdout: io.stdout } : { stdout: io.stdout };
        const result = await this.options.runner.run(argv, { ...streams, signal });
        if (result.stdout) io.stdout.write(result.stdout);
        if (result.stderr) io.stderr.write(result.stderr);
        if (signal.aborted && !io.closed?.aborted) io.stderr.write(`carve-agent: ${prepared.verb.name} timed out after ${prepared.timeoutMs} ms; its processes were killed\n`);
        return result.exitCode;
      } finally {
        await release();
      }
    } catch (error) {
      io.stderr.write(`carve-agent: ${(error as Error).message}\n`);
      return 1;
    } finally {
      done();
    }
  }

  private async runUnjournalled(prepared: Prepared, beforeRun?: (command: Dom0Command, verb: VerbDefinition) => Promise<void>): Promise<AgentResult> {
    try {
      return await this.runLocked(prepared, beforeRun);
    } catch (error) {
      if (error instanceof AbandonedRequestError) throw error;
      return failed(prepared.request.id, error);
    }
  }

  private prepare(raw: unknown, kinds: readonly string[]): Prepared {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Refusal('bad_request', 'a request is a JSON object {id, verb, args, timeoutMs?}');
    const request = raw as Partial<AgentRequest>;
    if (typeof request.id !== 'string' || !REQUEST_ID.test(request.id)) throw new Refusal('bad_request', 'id must be 8-100 letters, digits, - or _');
    if (typeof request.verb !== 'string') throw new Refusal('bad_request', 'verb must be a string');
    const verb = findVerb(request.verb);
    if (!verb) throw new Refusal('unknown_verb', `unknown verb ${request.verb.slice(0, 60)}`);
    if (!kinds.includes(verb.kind)) throw new Refusal('wrong_mode', `${verb.name} is a ${verb.kind} verb`);
    const args = request.args ?? {};
    const command = verb.build(args);
    if (verb.kind !== 'procedure' && command.writeTo === undefined && (command.argv === undefined || command.argv.length === 0)) {
      throw new Refusal('not_runnable', `${verb.name} has no argument vector`);
    }
    const asked = request.timeoutMs;
    if (asked !== undefined && (!Number.isInteger(asked) || asked <= 0)) throw new Refusal('bad_request', 'timeoutMs must be a positive integer');
    const timeoutMs = Math.min(asked ?? verb.defaultTimeoutMs, verb.maxTimeoutMs);
    return { request: { id: request.id, verb: verb.name, args, ...(asked !== undefined ? { timeoutMs: asked } : {}) }, verb, command, timeoutMs, locks: verb.locks(args) };
  }

  private async runLocked(prepared: Prepared, beforeRun?: (command: Dom0Command, verb: VerbDefinition) => Promise<void>): Promise<AgentResult> {
    const { request, verb, command } = prepared;
    const { signal, done } = timeoutSignal(prepared.timeoutMs);
    const timedOut = (): AgentResult => ({
      id: request.id,
      status: 'timed_out',
      exitCode: 124,
      stdout: '',
      stderr: '',
      error: { code: 'timed_out', message: `${verb.name} ran over ${prepared.timeoutMs} ms; everything it started was killed` },
    });
    let release: (() => Promise<void>) | undefined;
    try {
      try {
        release = await this.locks.acquire(prepared.locks, signal);
      } catch {
        return timedOut();
      }
      const runner = this.options.runner.forRequest?.() ?? this.options.runner;
      await beforeRun?.(command, verb);
      const local = new Dom0Runner(new LocalExecutor(runner, signal), LOCAL_TARGET);
      let outcome: AgentResult;
      try {
        const early = verb.run ? await runner.beforeProcedure?.(command.line, signal) : undefined;
        const result = early
          ? early
          : verb.run
          ? await verb.run({ runner: local, mountRoot: this.mountRoot, listDirectory: (path) => runner.listDirectory(path) }, request.args)
          : await local.exec(command);
        outcome = { id: request.id, status: result.exitCode === 0 ? 'ok' : 'failed', exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
      } catch (error) {
        if (error instanceof AbandonedRequestError || !signal.aborted) throw error;
        return timedOut();
      }
      return signal.aborted ? { ...timedOut(), stdout: outcome.stdout, stderr: outcome.stderr } : outcome;
    } finally {
      done();
      await release?.();
    }
  }
}

/** Aborts after `ms`, or when `also` aborts (the channel of an interactive stream closed). */
function timeoutSignal(ms: number, also?: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const abort = (): void => controller.abort();
  if (also?.aborted) abort();
  also?.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      also?.removeEventListener('abort', abort);
    },
  };
}

function idOf(raw: unknown): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 100) : '';
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function refused(id: string, error: unknown): AgentResult {
  const code = error instanceof Refusal ? error.code : error instanceof XenArgumentError ? 'bad_args' : 'bad_request';
  const message = error instanceof Error ? error.message : String(error);
  return { id, status: 'refused', exitCode: 2, stdout: '', stderr: `carve-agent: refused: ${message}\n`, error: { code, message } };
}

/** A procedure's failure as the client's failure mapping expects it: the failed step's exit code and stderr, or the named code. */
function failed(id: string, error: unknown): AgentResult {
  if (error instanceof Dom0OperationError) {
    return { id, status: 'failed', exitCode: error.detail.exitCode ?? 1, stdout: '', stderr: error.detail.stderr ?? `${error.message}\n`, error: { code: error.code, message: error.message } };
  }
  if (error instanceof CommandFailedError) return { id, status: 'failed', exitCode: error.exitCode, stdout: error.stdout, stderr: error.stderr };
  if (error instanceof XenArgumentError) return refused(id, error);
  const message = error instanceof Error ? error.message : String(error);
  return { id, status: 'failed', exitCode: 70, stdout: '', stderr: `carve-agent: ${message}\n`, error: { code: 'internal_error', message } };
}

import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { ClientChannel } from 'ssh2';
import type { Dom0CommandInput, Dom0Executor, ExecOptions, ExecResult, ExecStreams } from '../ssh/dom0-executor';
import { targetIdentity, type Dom0Target } from '../ssh/dom0-target';
import { AgentOutdatedError, AgentRefusedError, CommandFailedError, CommandTimeoutError, ConnectionDroppedError } from '../ssh/dom0-transport.errors';
import type { SshConnectionPool } from '../ssh/ssh-connection-pool';
import { MIN_AGENT_VERSION, streamCommandLine, type AgentHello, type AgentRequest, type AgentResult } from './agent-protocol';
import { findVerb } from './verbs';

export interface AgentExecutorOptions {
  /** `serve` (default): one long-lived agent channel per pooled connection. `call`: one exec per request. */
  readonly mode?: 'serve' | 'call';
  /** How often a request is sent again, with the same id, after its connection dropped. Default 1. */
  readonly resendAttempts?: number;
  /** How long past the agent's own timeout carve waits for its answer before giving up. Default 15 s. */
  readonly graceMs?: number;
}

/** How to get a host's agent right; part of every refusal for an old or missing agent. */
export const AGENT_UPGRADE_HINT = 'install or upgrade it with POST /v1/hosts/:id/agent, or by hand as the README (Dom0 agent) shows';

/**
 * Dom0Executor over the hosts' agents: each command goes out as its verb and args (never as a
 * shell line) on the host's long-lived `carve-agent serve` channel, streams on their own
 * channels. A request whose connection dropped is sent again with the same id, so the agent's
 * journal runs it once. Hosts whose agent is older than MIN_AGENT_VERSION are refused.
 */
export class AgentExecutor implements Dom0Executor {
  private readonly sessions = new Map<string, Promise<ServeSession>>();
  private readonly checked = new Map<string, Promise<void>>();
  private readonly mode: 'serve' | 'call';
  private readonly resendAttempts: number;
  private readonly graceMs: number;

  constructor(
    private readonly pool: SshConnectionPool,
    options: AgentExecutorOptions = {},
  ) {
    this.mode = options.mode ?? 'serve';
    this.resendAttempts = options.resendAttempts ?? 1;
    this.graceMs = options.graceMs ?? 15_000;
  }

  async exec(target: Dom0Target, command: Dom0CommandInput, options: ExecOptions = {}): Promise<ExecResult> {
    const request = this.requestFor(target, command, options);
    const description = command.description ?? command.line;
    const waitMs = (request.timeoutMs ?? findVerb(request.verb)?.defaultTimeoutMs ?? 120_000) + this.graceMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = this.mode === 'serve' ? await this.viaServe(target, request, waitMs, description) : await this.viaCall(target, request, waitMs, description);
        return toExecResult(target, request, result, description);
      } catch (error) {
        if (error instanceof ConnectionDroppedError && attempt < this.resendAttempts) continue;
        throw error;
      }
    }
  }

  /** A stream verb (volume.read / volume.write) on its own channel, with the channel's flow control. */
  async execStream(target: Dom0Target, command: Dom0CommandInput, streams: ExecStreams, options: ExecOptions = {}): Promise<ExecResult> {
    const request = this.requestFor(target, command, options);
    await this.checkVersion(target);
    const mode = findVerb(request.verb)?.kind === 'stream-write' ? 'stream-write' : 'stream-read';
    const line = streamCommandLine(mode, { id: request.id, verb: request.verb, args: request.args });
    return this.pool.execStream(target, { line, description: command.description ?? command.line }, streams, options);
  }

  private requestFor(target: Dom0Target, command: Dom0CommandInput, options: ExecOptions): AgentRequest {
    if (command.verb === undefined) throw new AgentRefusedError(target.hostId, `not an agent operation (no verb), not sent: ${command.line}`);
    return { id: randomUUID(), verb: command.verb, args: command.args ?? {}, ...(options.timeoutMs !== undefined ? { timeoutMs: wholeMs(options.timeoutMs) } : {}) };
  }

  private async viaServe(target: Dom0Target, request: AgentRequest, waitMs: number, description: string): Promise<AgentResult> {
    const session = await this.sessionFor(target);
    return session.send(request, waitMs, description);
  }

  private async viaCall(target: Dom0Target, request: AgentRequest, waitMs: number, description: string): Promise<AgentResult> {
    await this.checkVersion(target);
    const result = await this.pool.exec(target, { line: 'carve-agent call', stdin: JSON.stringify(request), description }, { timeoutMs: waitMs });
    const parsed = parseLine<AgentResult>(result.stdout.trim());
    if (!parsed || parsed.id !== request.id) throw new CommandFailedError(target.hostId, description, result.exitCode, result.stderr, result.stdout);
    return parsed;
  }

  private checkVersion(target: Dom0Target): Promise<void> {
    const key = targetIdentity(target);
    let check = this.checked.get(key);
    if (!check) {
      check = this.pool.exec(target, { line: 'carve-agent version', description: 'read the agent version' }).then((result) => {
        assertHello(target, parseLine<AgentHello>(result.stdout.trim()), result.stderr);
      });
      this.checked.set(key, check);
      // A transport failure is not an answer: ask again next time.
      check.catch((error: unknown) => {
        if (!(error instanceof AgentOutdatedError)) this.checked.delete(key);
      });
    }
    return check;
  }

  private sessionFor(target: Dom0Target): Promise<ServeSession> {
    const key = targetIdentity(target);
    const existing = this.sessions.get(key);
    if (existing) {
      return existing.then((session) => {
        if (session.isOpen) return session;
        if (this.sessions.get(key) === existing) this.sessions.delete(key);
        return this.sessionFor(target);
      });
    }
    const opening = this.pool.openChannel(target, 'carve-agent serve').then((channel) => ServeSession.start(target, channel));
    this.sessions.set(key, opening);
    opening.catch(() => {
      if (this.sessions.get(key) === opening) this.sessions.delete(key);
    });
    return opening;
  }
}

/** One `carve-agent serve` channel: requests out as JSON lines, results back by id. */
class ServeSession {
  private readonly pending = new Map<string, { resolve: (r: AgentResult) => void; reject: (e: Error) => void }>();
  private open = true;

  private constructor(
    private readonly target: Dom0Target,
    private readonly channel: ClientChannel,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  static start(target: Dom0Target, channel: ClientChannel): Promise<ServeSession> {
    const session = new ServeSession(target, channel);
    const stderr: Buffer[] = [];
    channel.stderr.on('data', (c: Buffer) => stderr.push(c));
    channel.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      let hello = false;
      const lines = createInterface({ input: channel, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (!hello) {
          hello = true;
          try {
            assertHello(target, parseLine<AgentHello>(line), Buffer.concat(stderr).toString('utf8'));
            resolve(session);
          } catch (error) {
            channel.close();
            reject(error as Error);
          }
          return;
        }
        session.settle(parseLine<AgentResult>(line));
      });
      channel.on('close', () => {
        session.open = false;
        if (!hello) {
          reject(new AgentOutdatedError(target.hostId, `${target.hostId} has no carve-agent answering (${Buffer.concat(stderr).toString('utf8').trim() || 'the channel closed'}); ${AGENT_UPGRADE_HINT}`));
        }
        for (const { reject: fail } of session.pending.values()) fail(new ConnectionDroppedError(target.hostId, `connection to ${target.hostId} closed while the agent ran a request`));
        session.pending.clear();
      });
    });
  }

  send(request: AgentRequest, waitMs: number, description: string): Promise<AgentResult> {
    if (!this.open) return Promise.reject(new ConnectionDroppedError(this.target.hostId, `the agent channel to ${this.target.hostId} is closed`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(request.id);
        reject(new CommandTimeoutError(this.target.hostId, waitMs, description));
      }, waitMs);
      this.pending.set(request.id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.channel.write(`${JSON.stringify(request)}\n`);
    });
  }

  private settle(result: AgentResult | undefined): void {
    if (!result || typeof result.id !== 'string') return;
    const waiter = this.pending.get(result.id);
    if (!waiter) return;
    this.pending.delete(result.id);
    waiter.resolve(result);
  }
}

function parseLine<T>(line: string): T | undefined {
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}

function assertHello(target: Dom0Target, hello: AgentHello | undefined, stderr: string): void {
  if (!hello || hello.agent !== 'carve-agent' || typeof hello.version !== 'number') {
    throw new AgentOutdatedError(target.hostId, `${target.hostId} has no carve-agent (${stderr.trim() || 'no agent answer'}); ${AGENT_UPGRADE_HINT}`);
  }
  if (hello.version < MIN_AGENT_VERSION) {
    throw new AgentOutdatedError(target.hostId, `${target.hostId} runs carve-agent ${hello.version}, carve needs at least ${MIN_AGENT_VERSION}; ${AGENT_UPGRADE_HINT}`);
  }
}

/** The agent's answer as Dom0Client's runner reads an exec result: exit code and stderr for the failure mapper. */
function toExecResult(target: Dom0Target, request: AgentRequest, result: AgentResult, description: string): ExecResult {
  if (result.status === 'timed_out') throw new CommandTimeoutError(target.hostId, request.timeoutMs ?? findVerb(request.verb)?.defaultTimeoutMs ?? 0, description);
  if (result.status === 'refused') throw new AgentRefusedError(target.hostId, `the agent on ${target.hostId} refused ${description}: ${result.error?.message ?? result.stderr.trim()}`);
  return {
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    ...(result.error ? { failure: result.error } : {}),
  };
}

/** The agent takes whole milliseconds (callers derive timeouts from sizes and rates: 6 GiB / 150 MB/s is not whole); rounded up, at least 1. */
function wholeMs(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

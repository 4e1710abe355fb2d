import type { ClientChannel } from 'ssh2';
import { ChannelLimiter } from './channel-limiter';
import type { Dom0CommandInput, Dom0Executor, ExecOptions, ExecResult, ExecStreams } from './dom0-executor';
import { Dom0Target, targetIdentity } from './dom0-target';
import { TransportClosedError } from './dom0-transport.errors';
import { SshConnection, SshConnectionSettings } from './ssh-connection';

export interface SshConnectionPoolOptions {
  /** Concurrent exec channels per connection; stay below the host's MaxSessions (OpenSSH default 10). */
  readonly maxChannelsPerHost?: number;
  /** TCP connect + key exchange + authentication must finish within this. */
  readonly connectTimeoutMs?: number;
  /** SSH-level keepalive; the connection is dropped after keepaliveCountMax unanswered ones. 0 disables. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  /** Default per-command timeout, counted from when the command gets a channel slot. */
  readonly commandTimeoutMs?: number;
  /** A connection with nothing running for this long is closed. 0 keeps connections until close(). */
  readonly idleTimeoutMs?: number;
  /** After a command timeout, how long its channel may take to close before the connection is dropped. */
  readonly channelCloseGraceMs?: number;
}

/** What the pool knows about one host, for tests, metrics and the benchmark. */
export interface HostConnectionStats {
  readonly connected: boolean;
  /** Connections successfully opened to this host over the pool's life. */
  readonly connectionsOpened: number;
  readonly openChannels: number;
  readonly peakOpenChannels: number;
  readonly queuedCommands: number;
}

const DEFAULTS = {
  maxChannelsPerHost: 8,
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  commandTimeoutMs: 120_000,
  idleTimeoutMs: 300_000,
  channelCloseGraceMs: 5_000,
} satisfies Required<SshConnectionPoolOptions>;

interface HostEntry {
  readonly identity: string;
  readonly limiter: ChannelLimiter;
  connection?: SshConnection;
  /** Shared by every command that arrives while the host has no connection. */
  connecting?: Promise<SshConnection>;
  connectionsOpened: number;
  openChannels: number;
  peakOpenChannels: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * One SSH connection per Dom0, reused by every command; at most
 * maxChannelsPerHost commands run at once per host, the rest wait in FIFO order.
 * A connection that drops is forgotten and rebuilt on next use.
 */
export class SshConnectionPool implements Dom0Executor {
  private readonly options: Required<SshConnectionPoolOptions>;
  private readonly hosts = new Map<string, HostEntry>();
  private closing = false;

  constructor(options: SshConnectionPoolOptions = {}) {
    this.options = { ...DEFAULTS, ...stripUndefined(options) };
  }

  exec(target: Dom0Target, command: Dom0CommandInput, options: ExecOptions = {}): Promise<ExecResult> {
    return this.run(target, command, options, {});
  }

  /** exec with stdout and/or stdin streamed (Dom0Executor.execStream), on the host's one pooled connection. */
  execStream(target: Dom0Target, command: Dom0CommandInput, streams: ExecStreams, options: ExecOptions = {}): Promise<ExecResult> {
    return this.run(target, command, options, streams);
  }

  /**
   * A long-lived channel on the host's pooled connection (the agent's `serve`), outside the
   * per-host channel limit: keep maxChannelsPerHost one below the host's MaxSessions. It closes
   * with the connection.
   */
  async openChannel(target: Dom0Target, line: string): Promise<ClientChannel> {
    this.assertOpen(target.hostId);
    const entry = this.entryFor(target);
    const connection = await this.connectionFor(entry, target);
    this.assertOpen(target.hostId);
    return connection.openChannel(line);
  }

  private async run(target: Dom0Target, command: Dom0CommandInput, options: ExecOptions, streams: ExecStreams): Promise<ExecResult> {
    this.assertOpen(target.hostId);
    const entry = this.entryFor(target);
    const release = await entry.limiter.acquire();
    let handedToChannel = false;
    try {
      this.assertOpen(target.hostId);
      clearTimeout(entry.idleTimer);
      const connection = await this.connectionFor(entry, target);
      this.assertOpen(target.hostId);
      let opened = false;
      handedToChannel = true;
      return await connection.exec(command, options.timeoutMs ?? this.options.commandTimeoutMs, {
        opened: () => {
          opened = true;
          entry.openChannels += 1;
          entry.peakOpenChannels = Math.max(entry.peakOpenChannels, entry.openChannels);
        },
        done: () => {
          if (opened) entry.openChannels -= 1;
          release();
          this.scheduleIdleClose(entry, connection);
        },
      }, streams);
    } finally {
      if (!handedToChannel) release();
    }
  }

  stats(hostId: string): HostConnectionStats | undefined {
    const entry = this.hosts.get(hostId);
    if (entry === undefined) return undefined;
    return {
      connected: entry.connection?.isOpen ?? false,
      connectionsOpened: entry.connectionsOpened,
      openChannels: entry.openChannels,
      peakOpenChannels: entry.peakOpenChannels,
      queuedCommands: entry.limiter.queued,
    };
  }

  /** Ends every connection (running commands fail as dropped) and refuses further work. */
  async close(): Promise<void> {
    this.closing = true;
    const closed: Array<Promise<unknown>> = [];
    for (const entry of this.hosts.values()) {
      clearTimeout(entry.idleTimer);
      if (entry.connection) {
        entry.connection.end();
        closed.push(entry.connection.closed);
      }
      // An attempt in flight ends itself when it sees the pool closing.
      if (entry.connecting) closed.push(entry.connecting.catch(() => undefined));
    }
    await Promise.all(closed);
  }

  private entryFor(target: Dom0Target): HostEntry {
    const identity = targetIdentity(target);
    const existing = this.hosts.get(target.hostId);
    if (existing?.identity === identity) return existing;
    if (existing) this.retire(existing);
    const entry: HostEntry = {
      identity,
      limiter: new ChannelLimiter(this.options.maxChannelsPerHost),
      connectionsOpened: 0,
      openChannels: 0,
      peakOpenChannels: 0,
    };
    this.hosts.set(target.hostId, entry);
    return entry;
  }

  /** The host moved or was re-keyed: let running commands finish on the old connection, then end it. */
  private retire(entry: HostEntry): void {
    clearTimeout(entry.idleTimer);
    const connection = entry.connection;
    if (connection === undefined) return;
    if (entry.openChannels === 0) {
      connection.end();
      return;
    }
    const poll = setInterval(() => {
      if (entry.openChannels === 0 || !connection.isOpen) {
        clearInterval(poll);
        connection.end();
      }
    }, 100);
    poll.unref();
  }

  private connectionFor(entry: HostEntry, target: Dom0Target): Promise<SshConnection> {
    if (entry.connection?.isOpen) return Promise.resolve(entry.connection);
    if (entry.connecting) return entry.connecting;

    const attempt = SshConnection.open(target, this.connectionSettings()).then((connection) => {
      if (this.closing) {
        connection.end();
        throw new TransportClosedError(target.hostId, 'connection pool closed while connecting');
      }
      entry.connection = connection;
      entry.connectionsOpened += 1;
      connection.onClose(() => {
        if (entry.connection === connection) entry.connection = undefined;
      });
      return connection;
    });
    entry.connecting = attempt;
    const forget = (): void => {
      if (entry.connecting === attempt) entry.connecting = undefined;
    };
    attempt.then(forget, forget);
    return attempt;
  }

  private scheduleIdleClose(entry: HostEntry, connection: SshConnection): void {
    if (this.options.idleTimeoutMs <= 0 || entry.limiter.inUse > 0) return;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      if (entry.limiter.inUse === 0 && entry.connection === connection) {
        entry.connection = undefined;
        connection.end();
      }
    }, this.options.idleTimeoutMs);
    // An idle pool must not keep the worker process alive.
    entry.idleTimer.unref();
  }

  private connectionSettings(): SshConnectionSettings {
    return {
      connectTimeoutMs: this.options.connectTimeoutMs,
      keepaliveIntervalMs: this.options.keepaliveIntervalMs,
      keepaliveCountMax: this.options.keepaliveCountMax,
      channelCloseGraceMs: this.options.channelCloseGraceMs,
    };
  }

  private assertOpen(hostId: string): void {
    if (this.closing) throw new TransportClosedError(hostId, 'connection pool is closed');
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

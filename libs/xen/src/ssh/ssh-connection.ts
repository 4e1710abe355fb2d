import { constants as osConstants } from 'node:os';
import { Client, ClientChannel } from 'ssh2';
import { hostKeyFingerprint } from './host-key-fingerprint';
import { mapConnectError } from './connect-error.mapper';
import type { Dom0CommandInput, ExecResult, ExecStreams } from './dom0-executor';
import type { Dom0Target } from './dom0-target';
import {
  AuthenticationFailedError,
  ChannelOpenFailedError,
  CommandTimeoutError,
  ConnectionDroppedError,
} from './dom0-transport.errors';

/**
 * sshd frees a session only after it has processed our reply to its channel
 * close, a loop iteration later; a channel opened in that gap can be refused
 * although we hold fewer than MaxSessions. Such a refusal ran nothing, so it is
 * retried a few times before it counts as the host refusing.
 */
const CHANNEL_OPEN_RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 160];

export interface SshConnectionSettings {
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
  /** After a timeout, how long a channel may take to close before the whole connection is dropped. */
  readonly channelCloseGraceMs: number;
}

/** Called by exec so the pool can count open channels and free the slot at the right moment. */
export interface ChannelHooks {
  opened(): void;
  /** Exactly once per exec, when the channel no longer holds a session on the host. */
  done(): void;
}

/**
 * One authenticated ssh2 connection to one Dom0. Opens only after the host key
 * matched the pinned fingerprint; runs commands on exec channels.
 */
export class SshConnection {
  private isClosed = false;
  private readonly closeListeners: Array<() => void> = [];
  /** Per running exec: frees its slot and fails it as dropped; emptied when the connection closes. */
  private readonly running = new Set<() => void>();
  private lastError: Error | undefined;
  readonly closed: Promise<void>;

  private constructor(
    private readonly client: Client,
    readonly target: Dom0Target,
    private readonly settings: SshConnectionSettings,
  ) {
    this.closed = new Promise((resolve) => this.closeListeners.push(resolve));
    // Keepalive failures and socket resets arrive as 'error' before 'close'.
    client.on('error', (error: Error) => {
      this.lastError = error;
    });
    client.on('close', () => this.markClosed());
  }

  /** Connects, verifies the host key before any authentication, then authenticates with the key. */
  static open(target: Dom0Target, settings: SshConnectionSettings): Promise<SshConnection> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let mismatchedFingerprint: string | undefined;
      let settled = false;
      let firstError: Error | undefined;

      const fail = (): void => {
        if (settled) return;
        settled = true;
        client.end();
        reject(mapConnectError(target, firstError, mismatchedFingerprint));
      };
      client.on('error', (error: Error) => {
        firstError ??= error;
        fail();
      });
      client.on('close', fail);
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        client.removeAllListeners('error');
        client.removeListener('close', fail);
        resolve(new SshConnection(client, target, settings));
      });

      try {
        client.connect({
          host: target.address,
          port: target.port,
          username: target.username,
          privateKey: target.privateKey,
          passphrase: target.passphrase,
          readyTimeout: settings.connectTimeoutMs,
          keepaliveInterval: settings.keepaliveIntervalMs,
          keepaliveCountMax: settings.keepaliveCountMax,
          // Runs during key exchange, before ssh-userauth is even requested:
          // a host with the wrong key never sees our signature.
          hostVerifier: (key: Buffer): boolean => {
            const offered = hostKeyFingerprint(key);
            if (offered === target.expectedHostKeyFingerprint) return true;
            mismatchedFingerprint = offered;
            return false;
          },
        });
        // Commands are small request/response exchanges: with Nagle on, each one
        // waits out the peer's delayed ACK (40 ms on Linux).
        client.setNoDelay(true);
      } catch (error: unknown) {
        // ssh2 throws synchronously for an unreadable private key.
        settled = true;
        const message = error instanceof Error ? error.message : String(error);
        reject(new AuthenticationFailedError(target.hostId, `private key unusable: ${message}`, { cause: error }));
      }
    });
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else this.closeListeners.push(listener);
  }

  /** Ends the connection; commands still running fail with ConnectionDroppedError. */
  end(): void {
    if (!this.isClosed) this.client.end();
  }

  /**
   * Opens an exec channel for a long-lived session (the Dom0 agent's `serve`) and hands it
   * over as it is; the caller owns it. A refusal is retried as exec's channel opens are.
   */
  openChannel(line: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      const attempt = (n: number): void => {
        if (this.isClosed) {
          reject(this.droppedError(line));
          return;
        }
        this.client.exec(line, (error, channel) => {
          if (!error) {
            resolve(channel);
            return;
          }
          const retryIn = CHANNEL_OPEN_RETRY_DELAYS_MS[n];
          if (retryIn !== undefined && !this.isClosed) setTimeout(() => attempt(n + 1), retryIn);
          else reject(this.isClosed ? this.droppedError(line) : new ChannelOpenFailedError(this.target.hostId, `${this.target.hostId} refused a channel for ${line}: ${error.message}`, { cause: error }));
        });
      };
      attempt(0);
    });
  }

  /** Runs one command on its own exec channel. A non-zero exit is a result, not an error. */
  exec(command: Dom0CommandInput, timeoutMs: number, hooks: ChannelHooks, streams: ExecStreams = {}): Promise<ExecResult> {
    const hostId = this.target.hostId;
    const description = command.description ?? command.line;

    let doneCalled = false;
    const done = (): void => {
      if (doneCalled) return;
      doneCalled = true;
      hooks.done();
    };

    return new Promise<ExecResult>((resolve, reject) => {
      if (this.isClosed) {
        done();
        reject(this.droppedError(description));
        return;
      }

      let settled = false;
      let channel: ClientChannel | undefined;
      let graceTimer: NodeJS.Timeout | undefined;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const dropped = (): void => {
        this.running.delete(dropped);
        clearTimeout(graceTimer);
        done();
        settle(() => reject(this.droppedError(description)));
      };
      this.running.add(dropped);

      const timer = setTimeout(() => {
        settle(() => reject(new CommandTimeoutError(hostId, timeoutMs, description)));
        if (channel === undefined) return; // closed as soon as it opens, below
        this.abandon(channel);
        // A host that ignores the close would hold the session slot forever;
        // dropping the connection frees it (the pool reconnects on next use).
        graceTimer = setTimeout(() => {
          if (!doneCalled) this.client.end();
        }, this.settings.channelCloseGraceMs);
        graceTimer.unref();
      }, timeoutMs);

      const openChannel = (attempt: number): void => {
        if (settled || this.isClosed) {
          // Timed out or dropped while waiting to retry; nothing holds a session.
          this.running.delete(dropped);
          done();
          settle(() => reject(this.droppedError(description)));
          return;
        }
        this.client.exec(command.line, (error, opened) => {
          if (error) {
            const retryIn = CHANNEL_OPEN_RETRY_DELAYS_MS[attempt];
            if (retryIn !== undefined && !this.isClosed && !settled) {
              setTimeout(() => openChannel(attempt + 1), retryIn);
              return;
            }
            this.running.delete(dropped);
            done();
            settle(() =>
              reject(
                this.isClosed
                  ? this.droppedError(description)
                  : new ChannelOpenFailedError(hostId, `${hostId} refused a channel for ${description}: ${error.message}`, {
                      cause: error,
                    }),
              ),
            );
            return;
          }
          channel = opened;
          hooks.opened();
          if (settled) {
            this.abandon(opened);
          }
          if (streams.signal) {
            const abort = (): void => {
              settle(() => reject(this.droppedError(`${description} (stopped: the other end of the stream failed)`)));
              this.abandon(opened);
            };
            if (streams.signal.aborted) abort();
            else streams.signal.addEventListener('abort', abort, { once: true });
            opened.once('close', () => streams.signal?.removeEventListener('abort', abort));
          }

          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          let exit: { code: number; signal?: string } | undefined;
          if (streams.stdout) opened.pipe(streams.stdout);
          else opened.on('data', (chunk: Buffer) => stdout.push(chunk));
          opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
          opened.on('exit', (code: number | null, signal?: string) => {
            exit = code === null ? { code: signalExitCode(signal), signal } : { code };
          });
          // Errors on a channel show up again as its close; listening keeps them from being unhandled.
          opened.on('error', () => undefined);
          opened.on('close', () => {
            this.running.delete(dropped);
            clearTimeout(graceTimer);
            done();
            settle(() => {
              if (exit === undefined) {
                reject(this.droppedError(description));
                return;
              }
              resolve({
                exitCode: exit.code,
                ...(exit.signal === undefined ? {} : { signal: exit.signal }),
                stdout: Buffer.concat(stdout).toString('utf8'),
                stderr: Buffer.concat(stderr).toString('utf8'),
              });
            });
          });
          if (streams.stdin) {
            // Bulk input: the channel's window paces the source; EOF follows its end.
            streams.stdin.on('error', () => opened.end());
            streams.stdin.pipe(opened);
          } else {
            // Always send EOF, so a command that reads stdin never waits for input that will not come.
            opened.end(command.stdin ?? undefined);
          }
        });
      };
      openChannel(0);
    });
  }

  /**
   * Asks the host to kill the command, then closes the channel. OpenSSH honours
   * the signal (killpg on the session) only for non-root logins: after a root
   * login it runs without privilege separation and refuses it. Then the closed
   * channel is what ends the command, at its next write to stdout or stderr.
   */
  private abandon(channel: ClientChannel): void {
    try {
      sendSignalAfterEof(channel, 'KILL');
    } catch {
      // The channel may already be closing; close() below is what matters.
    }
    channel.close();
  }

  private droppedError(description: string): ConnectionDroppedError {
    const cause = this.lastError;
    const why = cause ? `: ${cause.message}` : '';
    return new ConnectionDroppedError(
      this.target.hostId,
      `connection to ${this.target.hostId} closed while running ${description}${why}`,
      { cause },
    );
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // ssh2 closes each open channel on socket close (their 'close' handlers run
    // first and win); this backstop makes sure no exec outlives its connection.
    setImmediate(() => {
      for (const dropped of [...this.running]) dropped();
    });
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

/** How a shell reports a command ended by a signal: 128 + its number. */
function signalExitCode(signal: string | undefined): number {
  const signals = osConstants.signals as Record<string, number | undefined>;
  const number = signal === undefined ? undefined : signals[`SIG${signal}`];
  return 128 + (number ?? 0);
}

/** The parts of an ssh2 1.x channel needed to send a signal request after EOF. */
interface ChannelInternals {
  readonly outgoing?: { readonly id: number; readonly state: string };
  readonly _client?: { readonly _protocol?: { signal(channelId: number, signalName: string): void } };
}

/**
 * ssh2's `channel.signal()` does nothing once stdin has been ended, but every
 * command here ends stdin right away, and SSH allows the request after EOF
 * (RFC 4254 §6.9). So send it through the protocol object ssh2 itself uses.
 */
function sendSignalAfterEof(channel: ClientChannel, signalName: string): void {
  const internals = channel as unknown as ChannelInternals;
  const protocol = internals._client?._protocol;
  // After end() ssh2 marks the outgoing side 'eof'; the channel is still open for requests.
  const outgoing = internals.outgoing;
  if (outgoing !== undefined && (outgoing.state === 'open' || outgoing.state === 'eof') && protocol !== undefined) {
    protocol.signal(outgoing.id, signalName);
  } else {
    channel.signal(signalName);
  }
}

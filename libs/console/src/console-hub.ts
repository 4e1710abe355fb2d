/**
 * The console hub: one upstream `xl console` stream per server, shared by every viewer
 * (web page over WebSocket, SSH gateway). This file is the contract the web console and
 * the SSH gateway both program against; the implementation is ConsoleHubService.
 *
 * Who types (the keyboard rule):
 * - A viewer attached with `canType: true` (customer admins of the server's tenant,
 *   operators) may hold the keyboard; `canType: false` (customer role `viewer`) only watches.
 * - The first writer-capable viewer to attach holds the keyboard. Another writer-capable
 *   viewer takes it with `takeKeyboard()` (the web page's "take keyboard" control message,
 *   the gateway's escape sequence); the previous typist is told through `onTypist`.
 * - When the typist leaves, the keyboard goes to the longest-attached writer-capable viewer.
 * - `write()` from anyone but the typist is refused (returns false), never queued.
 *
 * Closing a session, or the last one, closes the upstream channel only; the domain is
 * never touched (no `xl` verb other than `console` is sent).
 *
 * Reboots (the console stays with its server): when `xl console` returns because the domain
 * went, the hub looks for the domain on the same host for a grace period (30 s by default)
 * and, once it runs again, re-attaches one new upstream; the sessions stay open and hear
 * `onUpstream` ('restarting', then 'reattached'), then see the new boot from pygrub on. If it
 * does not come back in time, is deleted or is on another host, sessions end `upstream-ended`
 * with the reason.
 */

export type ConsoleViewerKind = 'web' | 'ssh';

export interface ConsoleViewer {
  readonly userId: string;
  /** The user's tenant; null for operators. */
  readonly customerId: string | null;
  readonly kind: ConsoleViewerKind;
  readonly remoteAddress: string;
  /** May hold the keyboard (admin, operator); false for read-only viewers. */
  readonly canType: boolean;
  /** The API token the session was opened with, so revoking it can end the session. */
  readonly tokenId?: string;
}

/** Why a session ended, as sent to the viewer (WebSocket close reason, SSH message). */
export type ConsoleEndReason =
  /** The viewer closed it. */
  | 'closed'
  /** The upstream console stream ended: the domain stopped, the host dropped the connection. */
  | 'upstream-ended'
  /** The process serving the console is shutting down (API or gateway restart). */
  | 'shutdown'
  /** Ended by policy: token revoked, key removed, idle timeout, session cap (set by the caller of `end`). */
  | 'revoked'
  | 'idle'
  /** The console could not be opened (host unreachable, domain not running). */
  | 'unavailable';

export interface ConsoleEnded {
  readonly reason: ConsoleEndReason;
  /** Human-readable detail, safe to show the viewer. */
  readonly message: string;
}

export interface TypistChange {
  /** The session id holding the keyboard now, null when nobody can type. */
  readonly typistSessionId: string | null;
  /** Whether this session is the typist. */
  readonly isYou: boolean;
}

/** The upstream of a session's console: attached, or waiting for the domain to come back. */
export type ConsoleUpstreamState = 'attached' | 'restarting';

export interface UpstreamChange {
  /** 'restarting': the stream ended and the hub waits for the domain; 'reattached': the new boot's console. */
  readonly state: 'restarting' | 'reattached';
  /** One short line, safe to show the viewer. */
  readonly message: string;
}

export interface ConsoleSession {
  readonly id: string;
  readonly serverId: string;
  readonly viewer: ConsoleViewer;
  readonly openedAt: Date;
  /**
   * Recent output (up to the hub's scrollback size) as of attaching; bytes after it come
   * through `onOutput`, none lost or repeated between the two.
   */
  readonly scrollback: Buffer;
  onOutput(listener: (bytes: Buffer) => void): void;
  onTypist(listener: (change: TypistChange) => void): void;
  /** Told when the upstream ends with the domain and when it is re-attached (see the reboot rule above). */
  onUpstream(listener: (change: UpstreamChange) => void): void;
  /** Whether the console is attached now or waiting for the domain to come back. */
  upstreamState(): ConsoleUpstreamState;
  /** Resolves once, when the session ends for any reason; never rejects. */
  readonly ended: Promise<ConsoleEnded>;
  isTypist(): boolean;
  /** Sends bytes to the console when this session holds the keyboard; false (and nothing sent) otherwise. */
  write(bytes: Buffer): boolean;
  /** Takes the keyboard from the current typist; false when this viewer may not type. */
  takeKeyboard(): boolean;
  /** Ends this session ('closed'); idempotent. The upstream closes when it was the last one. */
  close(): void;
  /** Ends this session with a policy reason (revoked, idle); idempotent. */
  end(reason: ConsoleEndReason, message: string): void;
}

export interface ConsoleHub {
  /**
   * Attaches a viewer to the server's console, opening the upstream stream if this is the
   * first viewer. The caller has already checked the viewer may see the server (tenancy).
   * Rejects with ConsoleUnavailableError when the console cannot be opened.
   */
  attach(serverId: string, viewer: ConsoleViewer): Promise<ConsoleSession>;
  /** Sessions open now (for caps and audit), optionally of one server. */
  sessions(serverId?: string): readonly ConsoleSession[];
}

export class ConsoleUnavailableError extends Error {
  constructor(
    readonly serverId: string,
    detail: string,
  ) {
    super(`console of server ${serverId} is unavailable: ${detail}`);
    this.name = 'ConsoleUnavailableError';
  }
}

/** The Nest injection token for the hub. */
export const CONSOLE_HUB = Symbol('CONSOLE_HUB');

import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import {
  ConsoleEnded,
  ConsoleEndReason,
  ConsoleHub,
  ConsoleSession,
  ConsoleUnavailableError,
  ConsoleViewer,
  TypistChange,
} from './console-hub';
import { CONSOLE_UPSTREAM_OPENER, type ConsoleUpstream, type ConsoleUpstreamOpener } from './console-upstream';
import { Scrollback } from './scrollback';

/** Recent output a late joiner gets: a screenful of a busy boot and then some. */
export const CONSOLE_SCROLLBACK_BYTES = 64 * 1024;
/** Keystrokes typed before the upstream is open are kept up to this, then dropped (nobody types that fast). */
const MAX_QUEUED_INPUT_BYTES = 4096;

/** One server's console as the hub holds it: the upstream, the screen so far, the viewers in attach order. */
interface Channel {
  readonly serverId: string;
  ready: Promise<ConsoleUpstream>;
  upstream?: ConsoleUpstream;
  readonly scrollback: Scrollback;
  readonly sessions: HubSession[];
  typist: HubSession | null;
  queuedInput: Buffer[];
  /** No viewer left, or the upstream ended: a new attach opens a new channel. */
  closed: boolean;
}

class HubSession implements ConsoleSession {
  readonly id = randomUUID();
  readonly openedAt = new Date();
  readonly ended: Promise<ConsoleEnded>;
  private resolveEnded!: (ended: ConsoleEnded) => void;
  private isEnded = false;
  private readonly outputListeners: Array<(bytes: Buffer) => void> = [];
  private readonly typistListeners: Array<(change: TypistChange) => void> = [];
  /** Output after the scrollback snapshot and before the caller listens: handed over on onOutput. */
  private pending: Buffer[] = [];

  constructor(
    private readonly hub: ConsoleHubService,
    readonly channel: Channel,
    readonly viewer: ConsoleViewer,
    readonly scrollback: Buffer,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  get serverId(): string {
    return this.channel.serverId;
  }

  get hasEnded(): boolean {
    return this.isEnded;
  }

  deliver(bytes: Buffer): void {
    if (this.isEnded) return;
    if (this.outputListeners.length === 0) this.pending.push(bytes);
    else for (const listener of this.outputListeners) listener(bytes);
  }

  announceTypist(): void {
    const typist = this.channel.typist;
    const change: TypistChange = { typistSessionId: typist?.id ?? null, isYou: typist === this };
    for (const listener of this.typistListeners) listener(change);
  }

  onOutput(listener: (bytes: Buffer) => void): void {
    this.outputListeners.push(listener);
    const pending = this.pending;
    this.pending = [];
    for (const bytes of pending) listener(bytes);
  }

  onTypist(listener: (change: TypistChange) => void): void {
    this.typistListeners.push(listener);
  }

  isTypist(): boolean {
    return !this.isEnded && this.channel.typist === this;
  }

  write(bytes: Buffer): boolean {
    if (!this.isTypist()) return false;
    this.hub.input(this.channel, bytes);
    return true;
  }

  takeKeyboard(): boolean {
    if (this.isEnded || !this.viewer.canType) return false;
    this.hub.giveKeyboard(this.channel, this);
    return true;
  }

  close(): void {
    this.end('closed', 'closed by the viewer');
  }

  end(reason: ConsoleEndReason, message: string): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.pending = [];
    this.hub.detach(this.channel, this);
    this.resolveEnded({ reason, message });
  }
}

/**
 * The console hub (see console-hub.ts for the contract and the keyboard rule). In memory,
 * per process: the API's web viewers share one upstream per server, and so do the SSH
 * gateway's. A restart ends every session with reason `shutdown`; the domain runs on.
 */
@Injectable()
export class ConsoleHubService implements ConsoleHub, OnModuleDestroy {
  private readonly channels = new Map<string, Channel>();
  private shuttingDown = false;

  constructor(@Inject(CONSOLE_UPSTREAM_OPENER) private readonly opener: ConsoleUpstreamOpener) {}

  async attach(serverId: string, viewer: ConsoleViewer): Promise<ConsoleSession> {
    if (this.shuttingDown) throw new ConsoleUnavailableError(serverId, 'the console service is shutting down');
    const channel = this.channels.get(serverId) ?? this.openChannel(serverId);
    const session = new HubSession(this, channel, viewer, channel.scrollback.snapshot());
    channel.sessions.push(session);
    if (viewer.canType && channel.typist === null) this.giveKeyboard(channel, session);
    try {
      await channel.ready;
    } catch (error) {
      session.end('unavailable', error instanceof Error ? error.message : String(error));
      throw error instanceof ConsoleUnavailableError ? error : new ConsoleUnavailableError(serverId, String(error));
    }
    return session;
  }

  sessions(serverId?: string): readonly ConsoleSession[] {
    const channels = serverId === undefined ? [...this.channels.values()] : [this.channels.get(serverId)].filter((c) => c !== undefined);
    return channels.flatMap((c) => c.sessions);
  }

  /** @internal keystrokes of the typist. */
  input(channel: Channel, bytes: Buffer): void {
    if (channel.closed) return;
    if (channel.upstream) return channel.upstream.write(bytes);
    const queued = channel.queuedInput.reduce((n, b) => n + b.length, 0);
    if (queued + bytes.length <= MAX_QUEUED_INPUT_BYTES) channel.queuedInput.push(bytes);
  }

  /** @internal */
  giveKeyboard(channel: Channel, session: HubSession): void {
    if (channel.typist === session) return;
    channel.typist = session;
    for (const s of channel.sessions) s.announceTypist();
  }

  /** @internal a session ended: hand the keyboard on, and close the upstream after the last viewer. */
  detach(channel: Channel, session: HubSession): void {
    const at = channel.sessions.indexOf(session);
    if (at >= 0) channel.sessions.splice(at, 1);
    if (channel.typist === session) {
      channel.typist = channel.sessions.find((s) => s.viewer.canType && !s.hasEnded) ?? null;
      for (const s of channel.sessions) s.announceTypist();
    }
    if (channel.sessions.length === 0 && !channel.closed) {
      channel.closed = true;
      if (this.channels.get(channel.serverId) === channel) this.channels.delete(channel.serverId);
      channel.upstream?.close();
    }
  }

  /** Ends every session (API or gateway restart): viewers hear `shutdown`; upstream channels close; domains run on. */
  onModuleDestroy(): void {
    this.shuttingDown = true;
    for (const channel of [...this.channels.values()]) {
      for (const session of [...channel.sessions]) session.end('shutdown', 'the console service is restarting; reconnect in a moment');
    }
  }

  private openChannel(serverId: string): Channel {
    const channel: Channel = {
      serverId,
      ready: Promise.resolve(undefined as never),
      scrollback: new Scrollback(CONSOLE_SCROLLBACK_BYTES),
      sessions: [],
      typist: null,
      queuedInput: [],
      closed: false,
    };
    this.channels.set(serverId, channel);
    channel.ready = this.opener.open(serverId).then(
      (upstream) => {
        upstream.onData((bytes) => {
          channel.scrollback.append(bytes);
          for (const s of channel.sessions) s.deliver(bytes);
        });
        void upstream.ended.then((message) => this.upstreamEnded(channel, message));
        if (channel.closed) {
          upstream.close(); // every viewer left while it was opening
          return upstream;
        }
        channel.upstream = upstream;
        for (const bytes of channel.queuedInput) upstream.write(bytes);
        channel.queuedInput = [];
        return upstream;
      },
      (error: unknown) => {
        channel.closed = true;
        if (this.channels.get(serverId) === channel) this.channels.delete(serverId);
        throw error;
      },
    );
    // Attachers await `ready`; this keeps a failure nobody awaits any more from going unhandled.
    channel.ready.catch(() => undefined);
    return channel;
  }

  private upstreamEnded(channel: Channel, message: string): void {
    channel.closed = true;
    if (this.channels.get(channel.serverId) === channel) this.channels.delete(channel.serverId);
    for (const session of [...channel.sessions]) session.end(this.shuttingDown ? 'shutdown' : 'upstream-ended', `the console stream ended: ${message}`);
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import {
  ConsoleEnded,
  ConsoleEndReason,
  ConsoleHub,
  ConsoleSession,
  ConsoleUnavailableError,
  ConsoleUpstreamState,
  ConsoleViewer,
  TypistChange,
  UpstreamChange,
} from './console-hub';
import { CONSOLE_UPSTREAM_OPENER, type ConsoleUpstream, type ConsoleUpstreamEnd, type ConsoleUpstreamOpener, type DomainWhereabouts } from './console-upstream';
import { Scrollback } from './scrollback';

/** Recent output a late joiner gets: a screenful of a busy boot and then some. */
export const CONSOLE_SCROLLBACK_BYTES = 64 * 1024;
/** Keystrokes typed before the upstream is open are kept up to this, then dropped (nobody types that fast). */
const MAX_QUEUED_INPUT_BYTES = 4096;

/** How long the hub waits for a rebooting domain to come back, and how often it looks (`xl list` through the agent). */
export interface ConsoleReattachOptions {
  readonly graceMs: number;
  readonly pollMs: number;
}
/** A reboot through pygrub takes a few seconds; a domain not back in 30 s was stopped, not restarted. */
export const DEFAULT_CONSOLE_REATTACH: ConsoleReattachOptions = { graceMs: 30_000, pollMs: 1_000 };
export const CONSOLE_REATTACH_OPTIONS = Symbol('CONSOLE_REATTACH_OPTIONS');

/** One server's console as the hub holds it: the upstream, the screen so far, the viewers in attach order. */
interface Channel {
  readonly serverId: string;
  ready: Promise<ConsoleUpstream>;
  upstream?: ConsoleUpstream;
  readonly scrollback: Scrollback;
  readonly sessions: HubSession[];
  typist: HubSession | null;
  queuedInput: Buffer[];
  /** The upstream ended with the domain; the hub is waiting for it to come back. */
  restarting: boolean;
  /** Cuts short the wait between two looks for a restarting domain (the channel closed). */
  wake?: () => void;
  /** No viewer left, or the upstream ended for good: a new attach opens a new channel. */
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
  private readonly upstreamListeners: Array<(change: UpstreamChange) => void> = [];
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

  announceUpstream(change: UpstreamChange): void {
    if (this.isEnded) return;
    for (const listener of this.upstreamListeners) listener(change);
  }

  onUpstream(listener: (change: UpstreamChange) => void): void {
    this.upstreamListeners.push(listener);
  }

  upstreamState(): ConsoleUpstreamState {
    return this.channel.restarting ? 'restarting' : 'attached';
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
  private readonly reattach: ConsoleReattachOptions;

  constructor(
    @Inject(CONSOLE_UPSTREAM_OPENER) private readonly opener: ConsoleUpstreamOpener,
    @Optional() @Inject(CONSOLE_REATTACH_OPTIONS) reattach?: ConsoleReattachOptions,
  ) {
    this.reattach = reattach ?? DEFAULT_CONSOLE_REATTACH;
  }

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
      channel.wake?.();
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
      restarting: false,
      closed: false,
    };
    this.channels.set(serverId, channel);
    channel.ready = this.opener.open(serverId).then(
      (upstream) => {
        this.connect(channel, upstream);
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

  /** Makes `upstream` the channel's stream (first open or re-attach), unless every viewer left meanwhile. */
  private connect(channel: Channel, upstream: ConsoleUpstream): void {
    if (channel.closed) {
      upstream.close();
      return;
    }
    upstream.onData((bytes) => {
      channel.scrollback.append(bytes);
      for (const s of channel.sessions) s.deliver(bytes);
    });
    void upstream.ended.then((end) => this.upstreamEnded(channel, upstream, end));
    channel.upstream = upstream;
    channel.restarting = false;
    for (const bytes of channel.queuedInput) upstream.write(bytes);
    channel.queuedInput = [];
  }

  private upstreamEnded(channel: Channel, upstream: ConsoleUpstream, end: ConsoleUpstreamEnd): void {
    if (channel.upstream !== upstream) return; // closed by the hub: the channel is already done with it
    channel.upstream = undefined;
    if (channel.closed) return;
    if (!end.domainWent || this.shuttingDown || !this.opener.locate) {
      return this.endChannel(channel, this.shuttingDown ? 'shutdown' : 'upstream-ended', `the console stream ended: ${end.message}`);
    }
    void this.followRestart(channel, upstream.hostId, end.message);
  }

  /**
   * The domain went (a reboot, a rescue boot, or a stop): look for it on the same host until
   * the grace runs out, and re-attach once it runs. Keystrokes meanwhile are queued as before
   * the first open. Every await is followed by a look at `closed`: the viewers may all leave.
   */
  private async followRestart(channel: Channel, hostId: string | undefined, why: string): Promise<void> {
    const graceSeconds = this.reattach.graceMs / 1000;
    channel.restarting = true;
    this.announce(channel, { state: 'restarting', message: `The console stream ended (${why}); waiting up to ${graceSeconds} s for the domain to come back.` });
    const deadline = Date.now() + this.reattach.graceMs;
    let lastError = '';
    for (;;) {
      if (channel.closed) return;
      let where: DomainWhereabouts;
      try {
        where = await this.opener.locate!(channel.serverId, hostId);
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        where = { kind: 'absent' };
      }
      if (channel.closed) return;
      if (where.kind === 'gone') return this.endChannel(channel, 'upstream-ended', `the console stream ended: ${where.message}`);
      if (where.kind === 'running') return this.reopen(channel);
      if (Date.now() >= deadline) {
        const detail = lastError ? ` (last look: ${lastError})` : '';
        return this.endChannel(channel, 'upstream-ended', `the console stream ended: ${why}; the domain did not come back within ${graceSeconds} s${detail}`);
      }
      await this.pause(channel, this.reattach.pollMs);
    }
  }

  private async reopen(channel: Channel): Promise<void> {
    let upstream: ConsoleUpstream;
    try {
      upstream = await this.opener.open(channel.serverId);
    } catch (error) {
      if (channel.closed) return;
      return this.endChannel(channel, 'upstream-ended', `the console stream ended and could not be re-attached: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.connect(channel, upstream);
    if (!channel.closed) this.announce(channel, { state: 'reattached', message: 'Domain restarted, console re-attached.' });
  }

  private pause(channel: Channel, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        channel.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      channel.wake = done;
    });
  }

  private announce(channel: Channel, change: UpstreamChange): void {
    for (const s of [...channel.sessions]) s.announceUpstream(change);
  }

  private endChannel(channel: Channel, reason: ConsoleEndReason, message: string): void {
    channel.closed = true;
    channel.restarting = false;
    if (this.channels.get(channel.serverId) === channel) this.channels.delete(channel.serverId);
    for (const session of [...channel.sessions]) session.end(reason, message);
  }
}

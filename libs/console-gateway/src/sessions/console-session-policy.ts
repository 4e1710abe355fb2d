import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { CONSOLE_HUB, ConsoleHub, ConsoleSession, ConsoleUnavailableError, ConsoleViewer } from '@carve/console';
import { CarveError, Clock } from '@carve/core';
import { ServerRepository } from '@carve/servers';
import { TokenService, UserSshKeyService } from '@carve/tenancy';
import { ConsoleLimitError } from './console-limit.error';
import { ConsoleSessionAudit, ConsoleSessionFacts } from './console-session-audit';

/** The server a console is opened for, as the caller (already past the tenancy check) found it. */
export interface ConsoleTarget {
  readonly id: string;
  readonly customerId: string;
  readonly name: string;
}

export interface ConsoleOpening {
  readonly server: ConsoleTarget;
  readonly viewer: ConsoleViewer;
  /** The SSH key that logged the viewer in at the gateway: removing it ends the session. */
  readonly sshKey?: { readonly id: string; readonly fingerprint: string };
}

interface Tracked extends ConsoleSessionFacts {
  lastInputAt: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * The rules every console session lives by, web and SSH alike: open through here (not the
 * hub directly) and a session is capped (per server, per tenant), audited (open and close
 * with its duration), closed when idle (nobody typed for CARVE_CONSOLE_IDLE_SECONDS), and
 * ended when the API token or SSH key that opened it no longer stands (revoked, expired,
 * removed, user deleted, account suspended).
 *
 * Counting is per process: the hub holds the sessions of the process it runs in, and the
 * API is the process that runs both the web console and the gateway.
 */
@Injectable()
export class ConsoleSessionPolicy implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('console-sessions');
  private readonly tracked = new Map<string, Tracked>();
  /** Sessions admitted but still attaching: counted, so two opens at once cannot both pass a cap with one place left. */
  private readonly pending: ConsoleTarget[] = [];
  private recheck?: NodeJS.Timeout;
  private rechecking = false;
  private readonly onKeyRemoved = (keyId: string) => this.endWhere((t) => t.sshKeyId === keyId, 'The SSH key this session logged in with was removed.');

  constructor(
    @Inject(CONSOLE_HUB) private readonly hub: ConsoleHub,
    private readonly config: CarveConfig,
    private readonly audit: ConsoleSessionAudit,
    private readonly tokens: TokenService,
    private readonly keys: UserSshKeyService,
    private readonly servers: ServerRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.keys.events.on('removed', this.onKeyRemoved);
    this.recheck = setInterval(() => void this.recheckCredentials(), this.config.consoleRecheckSeconds * 1000);
    this.recheck.unref();
  }

  onModuleDestroy(): void {
    this.keys.events.off('removed', this.onKeyRemoved);
    clearInterval(this.recheck);
    for (const t of this.tracked.values()) clearTimeout(t.idleTimer);
  }

  /**
   * Opens a console session within the caps. Throws ConsoleLimitError (429) when the server
   * or its tenant has as many sessions as allowed, and whatever the hub throws when the
   * console cannot be opened.
   */
  async open(opening: ConsoleOpening): Promise<ConsoleSession> {
    const { server } = opening;
    this.admit(server);
    const place = { ...server };
    this.pending.push(place);
    let session: ConsoleSession;
    try {
      session = await this.hub.attach(server.id, opening.viewer);
    } finally {
      this.pending.splice(this.pending.indexOf(place), 1);
    }
    return this.track(session, opening);
  }

  /**
   * The same, for a caller that has checked access to the server by id already (the web
   * console's ticket did): the server's tenant and name are read here.
   */
  async openForServer(serverId: string, viewer: ConsoleViewer): Promise<ConsoleSession> {
    const server = await this.servers.findById(serverId);
    if (!server || server.state === 'deleted') throw new ConsoleUnavailableError(serverId, 'the server does not exist');
    return this.open({ server: { id: server.id, customerId: server.customerId, name: server.name }, viewer });
  }

  /** Sessions opened through this policy whose close is not yet in the audit trail, of one server or all. */
  openSessions(serverId?: string): ConsoleSession[] {
    return [...this.tracked.values()].map((t) => t.session).filter((s) => serverId === undefined || s.serverId === serverId);
  }

  private admit(server: ConsoleTarget): void {
    const onServer = this.hub.sessions(server.id).length + this.pending.filter((p) => p.id === server.id).length;
    if (onServer >= this.config.consoleSessionsPerServer) throw new ConsoleLimitError('server', this.config.consoleSessionsPerServer);
    const ofTenant = this.hub.sessions().filter((s) => this.tenantOf(s) === server.customerId).length + this.pending.filter((p) => p.customerId === server.customerId).length;
    if (ofTenant >= this.config.consoleSessionsPerTenant) throw new ConsoleLimitError('tenant', this.config.consoleSessionsPerTenant);
  }

  /** The tenant a session counts against: its server's (known for sessions opened here), else its viewer's. */
  private tenantOf(session: ConsoleSession): string | null {
    return this.tracked.get(session.id)?.serverCustomerId ?? session.viewer.customerId;
  }

  private track(session: ConsoleSession, opening: ConsoleOpening): ConsoleSession {
    const tracked: Tracked = {
      session,
      serverCustomerId: opening.server.customerId,
      serverName: opening.server.name,
      sshKeyId: opening.sshKey?.id,
      sshKeyFingerprint: opening.sshKey?.fingerprint,
      lastInputAt: Date.now(),
    };
    this.tracked.set(session.id, tracked);
    this.armIdle(tracked);
    void this.audit.opened(tracked);
    void session.ended.then(async (ended) => {
      clearTimeout(tracked.idleTimer);
      // Counted as open until its close is in the trail, so "no sessions open" means "every session accounted for".
      await this.audit.closed(tracked, ended, this.clock.now());
      this.tracked.delete(session.id);
    });
    // What the caller holds: the hub's session, with typing counted as activity for the idle rule.
    const touch = () => {
      tracked.lastInputAt = Date.now();
    };
    return {
      id: session.id,
      serverId: session.serverId,
      viewer: session.viewer,
      openedAt: session.openedAt,
      scrollback: session.scrollback,
      ended: session.ended,
      onOutput: (listener) => session.onOutput(listener),
      onTypist: (listener) => session.onTypist(listener),
      onUpstream: (listener) => session.onUpstream(listener),
      upstreamState: () => session.upstreamState(),
      isTypist: () => session.isTypist(),
      write: (bytes) => {
        touch();
        return session.write(bytes);
      },
      takeKeyboard: () => {
        touch();
        return session.takeKeyboard();
      },
      close: () => session.close(),
      end: (reason, message) => session.end(reason, message),
    };
  }

  /** Idle = nobody typed for the idle time; the timer wakes at the earliest moment that can be true and looks again. */
  private armIdle(tracked: Tracked): void {
    const idleMs = this.config.consoleIdleSeconds * 1000;
    const due = tracked.lastInputAt + idleMs - Date.now();
    tracked.idleTimer = setTimeout(() => {
      if (!this.tracked.has(tracked.session.id)) return;
      if (Date.now() - tracked.lastInputAt >= idleMs) {
        tracked.session.end('idle', `Closed after ${this.config.consoleIdleSeconds} s without typing.`);
      } else {
        this.armIdle(tracked);
      }
    }, Math.max(0, due));
    tracked.idleTimer.unref();
  }

  /**
   * Every open session's token (web) or SSH key (gateway), checked again: the one rule new
   * requests meet (TokenService.assertStillValid), and the key still registered on a user
   * who may log in. Sessions opened straight at the hub are checked by their token too.
   */
  async recheckCredentials(): Promise<void> {
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      const sessions = this.hub.sessions();
      const byToken = new Map<string, ConsoleSession[]>();
      for (const s of sessions) if (s.viewer.tokenId) byToken.set(s.viewer.tokenId, [...(byToken.get(s.viewer.tokenId) ?? []), s]);
      for (const [tokenId, holders] of byToken) {
        const viewer = holders[0]!.viewer;
        try {
          await this.tokens.assertStillValid({ userId: viewer.userId, tokenId, customerId: viewer.customerId, role: viewer.canType ? 'admin' : 'viewer' });
        } catch (error) {
          if (!(error instanceof CarveError)) throw error;
          for (const s of holders) s.end('revoked', error.detail);
        }
      }
      const keyIds = [...new Set([...this.tracked.values()].flatMap((t) => (t.sshKeyId ? [t.sshKeyId] : [])))];
      const gone = await this.keys.unusableKeys(keyIds);
      this.endWhere((t) => t.sshKeyId !== undefined && gone.has(t.sshKeyId), 'The SSH key this session logged in with was removed, or its user may no longer log in.');
    } catch (error) {
      this.logger.warn({ msg: 'console credentials not rechecked', err: error instanceof Error ? error.message : String(error) });
    } finally {
      this.rechecking = false;
    }
  }

  private endWhere(match: (t: Tracked) => boolean, message: string): void {
    for (const t of [...this.tracked.values()]) if (match(t)) t.session.end('revoked', message);
  }
}

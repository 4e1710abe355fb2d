/**
 * One open console stream to a domain (an `xl console` channel through the Dom0 agent's
 * console verb). The hub owns exactly one per server with viewers.
 */
export interface ConsoleUpstream {
  /** The host the stream is attached on, so the hub can tell a reboot from a move. */
  readonly hostId?: string;
  onData(listener: (bytes: Buffer) => void): void;
  write(bytes: Buffer): void;
  /** Resolves once when the stream is gone, with why. */
  readonly ended: Promise<ConsoleUpstreamEnd>;
  /** Closes the stream (the channel), never the domain; `ended` resolves after. */
  close(): void;
}

export interface ConsoleUpstreamEnd {
  /** Why, safe to show a viewer. */
  readonly message: string;
  /**
   * `xl console` was attached and returned on its own (exit 0): the domain it followed went
   * away (reboot, shutdown, destroy) or the typist detached. Not set when carve closed it or
   * the attach failed: then there is nothing to follow.
   */
  readonly domainWent: boolean;
}

/** Where a server's domain is now, as seen from the host its console stream was on. */
export type DomainWhereabouts =
  /** It runs there (again): opening the console re-attaches. */
  | { readonly kind: 'running' }
  /** Not running there now (mid-reboot, stopped): it may still come back. */
  | { readonly kind: 'absent' }
  /** It will not come back there (deleted, moved to another host); the message says which. */
  | { readonly kind: 'gone'; readonly message: string };

/** Opens a server's console stream; rejects with ConsoleUnavailableError when it cannot. */
export interface ConsoleUpstreamOpener {
  open(serverId: string): Promise<ConsoleUpstream>;
  /** Where the server's domain is, for re-attaching after a reboot. Without it the hub never re-attaches. */
  locate?(serverId: string, hostId: string | undefined): Promise<DomainWhereabouts>;
}

export const CONSOLE_UPSTREAM_OPENER = Symbol('CONSOLE_UPSTREAM_OPENER');

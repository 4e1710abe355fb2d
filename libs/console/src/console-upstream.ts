/**
 * One open console stream to a domain (an `xl console` channel through the Dom0 executor,
 * later the agent's console verb). The hub owns exactly one per server with viewers.
 */
export interface ConsoleUpstream {
  onData(listener: (bytes: Buffer) => void): void;
  write(bytes: Buffer): void;
  /** Resolves once when the stream is gone, with why (safe to show a viewer). */
  readonly ended: Promise<string>;
  /** Closes the stream (the channel), never the domain; `ended` resolves after. */
  close(): void;
}

/** Opens a server's console stream; rejects with ConsoleUnavailableError when it cannot. */
export interface ConsoleUpstreamOpener {
  open(serverId: string): Promise<ConsoleUpstream>;
}

export const CONSOLE_UPSTREAM_OPENER = Symbol('CONSOLE_UPSTREAM_OPENER');

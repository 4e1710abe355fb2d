/**
 * Every kind of event carve raises, with the data each carries: the one place a new kind
 * is added (the API validates `kind` filters and documents the list from here).
 */
export interface EventCatalog {
  /** A shared pool's outbound transfer this month reached 80% of its allowance (once per pool and month). */
  'pool.transfer.80': PoolTransferCrossed;
  /** ... reached 100% of it (once per pool and month). */
  'pool.transfer.100': PoolTransferCrossed;
  /** A server moved to another host (operator only). */
  'server.move.succeeded': ServerMoved;
  /** A move failed and the server runs on its source host again (operator only). */
  'server.move.failed': ServerMoveFailed;
  /** What a move left on a host could not be removed, for good: that host keeps the server's reservation (operator only). */
  'server.move.cleanup_failed': ServerMoveCleanupFailed;
  /** Every server of a draining host has been moved, or could not be (operator only). */
  'host.drain.finished': HostDrained;
  /** One server caused most of a host's disk contention for longer than the host's policy allows (operator only). */
  'host.io.dominated': HostIoDominated;
}

export type EventKind = keyof EventCatalog;

export const EVENT_KINDS = ['pool.transfer.80', 'pool.transfer.100', 'server.move.succeeded', 'server.move.failed', 'server.move.cleanup_failed', 'host.drain.finished', 'host.io.dominated'] as const satisfies readonly EventKind[];

/** What an event is about: the object `subjectId` names. */
export const EVENT_SUBJECT_TYPES = ['pool', 'server', 'host', 'customer'] as const;
export type EventSubjectType = (typeof EVENT_SUBJECT_TYPES)[number];

/** The pool's transfer when a threshold was seen crossed. Bytes are exact; GB are 10^9 bytes. */
export interface PoolTransferCrossed {
  /** The UTC calendar month, YYYY-MM. */
  month: string;
  usedBytes: number;
  allowanceBytes: number;
  /** usedBytes / allowanceBytes x 100, rounded down to two decimals. */
  percent: number;
}

export interface ServerMoved {
  jobId: string;
  fromHostId: string;
  toHostId: string;
  bytesCopied: number;
  seconds: number;
}

export interface ServerMoveFailed {
  jobId: string;
  fromHostId: string;
  toHostId: string;
  /** What went wrong, and where the server runs now. */
  reason: string;
}

export interface ServerMoveCleanupFailed {
  moveId: string;
  jobId: string;
  /** The host the leftovers are on (the source after a switch, the target after a failed move). */
  hostId: string;
  /** Where the server runs. */
  serverHostId: string;
  /** What that host still counts for the server until the leftovers are gone. */
  held: { memoryMiB: number; vcpus: number; diskGiB: number };
  reason: string;
}

export interface HostDrained {
  moved: string[];
  /** Servers that could not move, each with why. */
  failed: { serverId: string; reason: string }[];
}

export interface HostIoDominated {
  serverId: string;
  /** The contention windows it dominated, ISO instants. */
  from: string;
  to: string;
  /** Its share of the disk time consumed during them, 0..1. */
  share: number;
}

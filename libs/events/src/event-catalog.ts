/**
 * Every kind of event carve raises, with the data each carries: the one place a new kind
 * is added (the API validates `kind` filters and documents the list from here).
 */
export interface EventCatalog {
  /** A shared pool's outbound transfer this month reached 80% of its allowance (once per pool and month). */
  'pool.transfer.80': PoolTransferCrossed;
  /** ... reached 100% of it (once per pool and month). */
  'pool.transfer.100': PoolTransferCrossed;
}

export type EventKind = keyof EventCatalog;

export const EVENT_KINDS = ['pool.transfer.80', 'pool.transfer.100'] as const satisfies readonly EventKind[];

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

import { EVENT_KINDS, type EventKind } from '@carve/events';

/** What a webhook subscribes to: event kinds from the catalog, or '*' for every kind (new ones included). */
export const ALL_EVENTS = '*';
export const WEBHOOK_EVENT_FILTERS = [ALL_EVENTS, ...EVENT_KINDS] as const;
export type WebhookEventFilter = (typeof WEBHOOK_EVENT_FILTERS)[number];

/** An operator's endpoint. The secret is never part of it: it is shown once, when created. */
export interface Webhook {
  id: string;
  url: string;
  events: WebhookEventFilter[];
  createdAt: Date;
}

export interface NewWebhook {
  url: string;
  events: WebhookEventFilter[];
  secret?: string;
}

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event sent (or being sent) to one webhook, with its last attempt's outcome. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventKind: EventKind;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due; null once it succeeded or gave up. */
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  /** The receiver's HTTP status on the last attempt; null when none came (timeout, refused connection). */
  responseCode: number | null;
  /** The start of the receiver's answer on the last attempt. */
  responseExcerpt: string | null;
  /** Why the last attempt failed, when it did. */
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export function matches(filters: readonly WebhookEventFilter[], kind: EventKind): boolean {
  return filters.includes(ALL_EVENTS) || filters.includes(kind);
}

/** The wait after the n-th failed attempt (1-based): base x 2^(n - 1). */
export function retryDelayMs(failedAttempts: number, baseSeconds: number): number {
  return baseSeconds * 1000 * 2 ** (failedAttempts - 1);
}

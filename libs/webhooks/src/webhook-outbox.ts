import { Injectable } from '@nestjs/common';
import { Event, EventRepository } from '@carve/events';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { matches } from './webhook.model';
import { WebhookRepository } from './webhook.repository';

/** Events are read back this far after each scan: an event's time is set before its transaction commits. */
export const RESCAN_OVERLAP_MS = 5 * 60_000;
/** A worker that starts looks back this far (or to the oldest webhook, if later). */
export const FIRST_SCAN_LOOKBACK_MS = 24 * 3_600_000;
const PAGE = 100;

/** What a receiver gets: the event as GET /v1/events shows it. */
export function deliveryBody(event: Event): string {
  return JSON.stringify({
    id: event.id,
    kind: event.kind,
    createdAt: new Date(event.occurredAt).toISOString(),
    customerId: event.customerId,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    data: event.data,
  });
}

/**
 * Turns events into deliveries: reads the events raised since the last scan (every one, as
 * the operator sees them, through libs/events' repository) and queues one delivery per
 * matching webhook created before the event. Queuing is idempotent (one row per webhook and
 * event), so scans may overlap and every worker may scan.
 */
@Injectable()
export class WebhookOutbox {
  /** Where this process's next scan may stop reading back (ms). */
  private scannedUntil: number | null = null;

  constructor(
    private readonly events: EventRepository,
    private readonly webhooks: WebhookRepository,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {}

  /** One scan; the number of deliveries it queued. */
  async scan(now = Date.now()): Promise<number> {
    const hooks = await this.webhooks.allWithSecrets();
    if (hooks.length === 0) {
      this.scannedUntil = now;
      return 0;
    }
    const oldestHook = Math.min(...hooks.map((h) => h.createdAt.getTime()));
    const stopAt = Math.max(oldestHook, this.scannedUntil === null ? now - FIRST_SCAN_LOOKBACK_MS : this.scannedUntil - RESCAN_OVERLAP_MS);
    let queued = 0;
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      // The repository answers one row more than asked when another page follows.
      const rows = await this.events.list({ kind: 'operator' }, { limit: PAGE, after }, {});
      const page = rows.slice(0, PAGE);
      const fresh = page.filter((e) => e.occurredAt.getTime() >= stopAt);
      queued += await this.deliveries.enqueue(
        fresh.flatMap((event) =>
          hooks
            .filter((h) => h.createdAt.getTime() <= event.occurredAt.getTime() && matches(h.events, event.kind))
            .map((h) => ({ webhookId: h.id, eventId: event.id, eventKind: event.kind, body: deliveryBody(event) })),
        ),
      );
      const last = page[page.length - 1];
      if (!last || rows.length <= PAGE || fresh.length < page.length) break;
      after = { createdAt: last.occurredAt, id: last.id };
    }
    this.scannedUntil = now;
    return queued;
  }
}

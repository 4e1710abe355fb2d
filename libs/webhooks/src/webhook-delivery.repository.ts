import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import type { EventKind } from '@carve/events';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from './webhook.model';

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_kind: EventKind;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  response_code: number | null;
  response_excerpt: string | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const at = (d: Date | null) => (d === null ? null : new Date(d));

const view = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  eventKind: r.event_kind,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: at(r.next_attempt_at),
  lastAttemptAt: at(r.last_attempt_at),
  responseCode: r.response_code,
  responseExcerpt: r.response_excerpt,
  lastError: r.last_error,
  deliveredAt: at(r.delivered_at),
  createdAt: new Date(r.created_at),
});

/** A delivery this worker holds for one attempt: what to send, where, and how to sign it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  body: string;
  /** This attempt's number, 1-based; the attempt's outcome is recorded only against it. */
  attempt: number;
  url: string;
  secret: string;
}

export interface AttemptOutcome {
  ok: boolean;
  responseCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
}

/** webhook_deliveries (this lib's table). Times are the database's, so every worker agrees on what is due. */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Queues each (webhook, event) once, however often and by however many workers it is offered; the number queued now. */
  async enqueue(rows: { webhookId: string; eventId: string; eventKind: EventKind; body: string }[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Joined to webhooks so that one deleted meanwhile is skipped rather than failing the batch.
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, event_kind, body, next_attempt_at)
       SELECT n.webhook_id, n.event_id, n.event_kind, n.body, now()
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS n (webhook_id, event_id, event_kind, body)
         JOIN webhooks w ON w.id = n.webhook_id
       ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING id`,
      [rows.map((r) => r.webhookId), rows.map((r) => r.eventId), rows.map((r) => r.eventKind), rows.map((r) => r.body)],
    );
    return inserted.length;
  }

  /**
   * Takes up to `limit` due deliveries for one attempt each. The row locks (SKIP LOCKED) let
   * every worker claim at once without two taking the same delivery; the claim itself counts
   * the attempt and pushes next_attempt_at past `leaseMs`, so a worker killed mid-attempt
   * loses the delivery to another only after the attempt would have timed out anyway.
   */
  async claimDue(limit: number, leaseMs: number, maxAttempts: number): Promise<ClaimedDelivery[]> {
    const [rows]: [{ id: string; webhook_id: string; event_id: string; body: string; attempts: number; url: string; secret: string }[], number] = await this.db.query(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now() AND attempts < $3
          ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + $2 * interval '1 millisecond'
         FROM due, webhooks w
        WHERE d.id = due.id AND w.id = d.webhook_id
       RETURNING d.id, d.webhook_id, d.event_id, d.body, d.attempts, w.url, w.secret`,
      [limit, leaseMs, maxAttempts],
    );
    return rows.map((r) => ({ id: r.id, webhookId: r.webhook_id, eventId: r.event_id, body: r.body, attempt: r.attempts, url: r.url, secret: r.secret }));
  }

  /** Deliveries whose last attempt's worker died with no attempts left: failed, not retried forever. */
  async failAbandoned(maxAttempts: number): Promise<number> {
    const [, affected]: [unknown[], number] = await this.db.query(
      `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = coalesce(last_error || '; ', '') || 'the worker making the last attempt stopped before it finished'
        WHERE status = 'pending' AND attempts >= $1 AND next_attempt_at <= now()`,
      [maxAttempts],
    );
    return affected;
  }

  /**
   * The outcome of one attempt, only if the delivery is still on that attempt (a worker
   * that overran its lease finds another's attempt there and records nothing). retryInMs:
   * when to try again after a failure; null gives up.
   */
  async record(claim: ClaimedDelivery, outcome: AttemptOutcome, retryInMs: number | null): Promise<boolean> {
    const status: DeliveryStatus = outcome.ok ? 'succeeded' : retryInMs === null ? 'failed' : 'pending';
    const [, affected]: [unknown[], number] = await this.db.query(
      `UPDATE webhook_deliveries
          SET status = $3, response_code = $4, response_excerpt = $5, last_error = $6,
              next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + $7 * interval '1 millisecond' END,
              delivered_at = CASE WHEN $3 = 'succeeded' THEN now() END
        WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
      [claim.id, claim.attempt, status, outcome.responseCode, outcome.responseExcerpt, outcome.error, retryInMs ?? 0],
    );
    return affected === 1;
  }

  /** One webhook's deliveries, newest first. */
  async listForWebhook(webhookId: string, page: PageRequest): Promise<WebhookDelivery[]> {
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT * FROM webhook_deliveries
        WHERE webhook_id = $1 AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      [webhookId, page.limit + 1, page.after?.createdAt ?? null, page.after?.id ?? null],
    );
    return rows.map(view);
  }
}

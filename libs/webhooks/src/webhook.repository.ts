import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PageRequest } from '@carve/core';
import { DataSource } from 'typeorm';
import { Webhook, WebhookEventFilter } from './webhook.model';

interface WebhookRow {
  id: string;
  url: string;
  events: WebhookEventFilter[];
  secret: string;
  created_at: Date;
}

export type WebhookWithSecret = Webhook & { secret: string };

const view = (r: WebhookRow): Webhook => ({ id: r.id, url: r.url, events: r.events, createdAt: new Date(r.created_at) });

/** webhooks (this lib's table): the operator's endpoints, no tenant. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(webhook: { url: string; events: WebhookEventFilter[]; secret: string }): Promise<Webhook> {
    const [row]: WebhookRow[] = await this.db.query(`INSERT INTO webhooks (url, events, secret) VALUES ($1, $2, $3) RETURNING *`, [webhook.url, webhook.events, webhook.secret]);
    return view(row!);
  }

  async findById(id: string): Promise<Webhook | null> {
    const [row]: WebhookRow[] = await this.db.query(`SELECT * FROM webhooks WHERE id = $1`, [id]);
    return row ? view(row) : null;
  }

  /** Newest first, after the cursor's (created_at, id). */
  async list(page: PageRequest): Promise<Webhook[]> {
    const rows: WebhookRow[] = await this.db.query(
      `SELECT * FROM webhooks WHERE $2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid)
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      [page.limit + 1, page.after?.createdAt ?? null, page.after?.id ?? null],
    );
    return rows.map(view);
  }

  /** Every endpoint with its secret: the outbox matches events against them. */
  async allWithSecrets(): Promise<WebhookWithSecret[]> {
    const rows: WebhookRow[] = await this.db.query(`SELECT * FROM webhooks ORDER BY created_at`);
    return rows.map((r) => ({ ...view(r), secret: r.secret }));
  }

  /** Deletes it and its deliveries; false when there was none. */
  async delete(id: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected count].
    const [, affected]: [unknown[], number] = await this.db.query(`DELETE FROM webhooks WHERE id = $1`, [id]);
    return affected === 1;
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks (libs/webhooks owns both tables): the operator's endpoints, and one delivery
 * per (endpoint, event) with its attempts. `body` is the exact JSON posted, so every
 * attempt signs the same bytes. Also the per-host time a server may dominate the disk
 * contention before host.io.dominated is raised (libs/io-fairness's table).
 */
export class Webhooks1764140000000 implements MigrationInterface {
  name = 'Webhooks1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE webhooks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      url text NOT NULL,
      events text[] NOT NULL CHECK (cardinality(events) > 0),
      secret text NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX webhooks_created_idx ON webhooks (created_at DESC, id DESC)`);
    await q.query(`CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
      event_kind text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz(3),
      last_attempt_at timestamptz(3),
      response_code integer,
      response_excerpt text,
      last_error text,
      delivered_at timestamptz(3),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (webhook_id, event_id),
      CHECK (status <> 'pending' OR next_attempt_at IS NOT NULL)
    )`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_list_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC)`);
    await q.query(`ALTER TABLE host_io_policies ADD COLUMN dominance_minutes integer NOT NULL DEFAULT 15 CHECK (dominance_minutes BETWEEN 1 AND 1440)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE host_io_policies DROP COLUMN dominance_minutes`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhooks`);
  }
}

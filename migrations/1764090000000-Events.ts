import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Things that happened that a customer or the operator should hear about (a pool passed
 * 80% of its transfer, a move finished), kept for GET /v1/events. `dedup_key` makes an
 * event that must happen once (per pool, month and threshold) a single row whoever raises it.
 */
export class Events1764090000000 implements MigrationInterface {
  name = 'Events1764090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id uuid REFERENCES customers (id),
      kind text NOT NULL,
      subject_type text NOT NULL,
      subject_id uuid NOT NULL,
      data jsonb NOT NULL DEFAULT '{}',
      dedup_key text UNIQUE,
      occurred_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX events_customer ON events (customer_id, occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX events_newest ON events (occurred_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE events`);
  }
}

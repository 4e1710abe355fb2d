// Medium test: claiming and recording delivery attempts against real PostgreSQL with the real migrations.
import { randomUUID } from 'node:crypto';
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { createTestDatabase, TestDatabase } from '@carve/testing';
import { DataSource } from 'typeorm';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookRepository } from './webhook.repository';

let database: TestDatabase;
let db: DataSource;
let deliveries: WebhookDeliveryRepository;
let webhookId: string;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  db = new DataSource({ ...dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS), poolSize: 12 } as never);
  await db.initialize();
  deliveries = new WebhookDeliveryRepository(db);
  ({ id: webhookId } = await new WebhookRepository(db).insert({ url: 'https://203.0.113.10/x', events: ['*'], secret: 's' }));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

async function events(count: number): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `INSERT INTO events (kind, subject_type, subject_id, occurred_at) SELECT 'host.io.dominated', 'host', gen_random_uuid(), now() FROM generate_series(1, $1) RETURNING id`,
    [count],
  );
  return rows.map((r) => r.id);
}

const offered = (eventIds: string[]) => eventIds.map((eventId) => ({ webhookId, eventId, eventKind: 'host.io.dominated' as const, body: `{"id":"${eventId}"}` }));

describe('WebhookDeliveryRepository', () => {
  it('queues each (webhook, event) once however often and by however many it is offered', async () => {
    const ids = await events(20);
    const counts = await Promise.all(Array.from({ length: 5 }, () => deliveries.enqueue(offered(ids))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
    expect(await deliveries.enqueue([...offered(ids), { webhookId: randomUUID(), eventId: ids[0]!, eventKind: 'host.io.dominated', body: '{}' }])).toBe(0);
  });

  it('gives each due delivery to one of many claimers at once, and records an outcome only against the attempt that was claimed', async () => {
    const claims = (await Promise.all(Array.from({ length: 8 }, () => deliveries.claimDue(5, 60_000, 3)))).flat();
    expect(claims.length).toBe(20);
    expect(new Set(claims.map((c) => c.id)).size).toBe(20);
    expect(claims.every((c) => c.attempt === 1 && c.url === 'https://203.0.113.10/x' && c.secret === 's')).toBe(true);
    // Claimed: not due again until the lease ends.
    expect(await deliveries.claimDue(50, 60_000, 3)).toEqual([]);

    const [won, lost] = claims as [(typeof claims)[number], (typeof claims)[number]];
    expect(await deliveries.record(won, { ok: true, responseCode: 204, responseExcerpt: '', error: null }, null)).toBe(true);
    expect(await deliveries.record(won, { ok: false, responseCode: 500, responseExcerpt: '', error: 'late' }, 1000)).toBe(false);
    expect(await deliveries.record(lost, { ok: false, responseCode: 500, responseExcerpt: 'no', error: 'the endpoint answered HTTP 500' }, 0)).toBe(true);
    const [again] = await deliveries.claimDue(50, 60_000, 3);
    expect(again).toMatchObject({ id: lost.id, attempt: 2 });
    // The first attempt's worker, late, finds the second attempt there.
    expect(await deliveries.record(lost, { ok: true, responseCode: 200, responseExcerpt: '', error: null }, null)).toBe(false);
  });

  it('fails a delivery whose last attempt was claimed by a worker that never came back', async () => {
    const [eventId] = await events(1);
    await deliveries.enqueue(offered([eventId!]));
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [claim] = (await deliveries.claimDue(50, 0, 2)).filter((c) => c.eventId === eventId);
      expect(claim!.attempt).toBe(attempt);
    }
    expect(await deliveries.claimDue(50, 0, 2).then((c) => c.filter((x) => x.eventId === eventId))).toEqual([]);
    expect(await deliveries.failAbandoned(2)).toBeGreaterThanOrEqual(1);
    const [row] = await db.query(`SELECT status, next_attempt_at, last_error FROM webhook_deliveries WHERE event_id = $1`, [eventId]);
    expect(row).toEqual({ status: 'failed', next_attempt_at: null, last_error: 'the worker making the last attempt stopped before it finished' });
  });
});

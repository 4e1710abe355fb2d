// Medium test: raising and listing events against real PostgreSQL with the real migrations.
import { randomUUID } from 'node:crypto';
import { decodeCursor } from '@carve/core';
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { createTestDatabase, TestDatabase } from '@carve/testing';
import type { Actor } from '@carve/tenancy';
import { DataSource } from 'typeorm';
import { EventRepository } from './event.repository';
import { EventService } from './event.service';

let database: TestDatabase;
let db: DataSource;
let events: EventService;
let a: string;
let b: string;
const operator: Actor = { userId: 'u-op', tokenId: 't-op', customerId: null, role: 'operator' };
const customer = (customerId: string): Actor => ({ userId: 'u', tokenId: 't', customerId, role: 'viewer' });

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  db = new DataSource(dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS));
  await db.initialize();
  events = new EventService(new EventRepository(db));
  [{ id: a }] = await db.query(`INSERT INTO customers (name) VALUES ('events a') RETURNING id`);
  [{ id: b }] = await db.query(`INSERT INTO customers (name) VALUES ('events b') RETURNING id`);
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const crossed = (customerId: string | null, subjectId: string, dedupKey?: string) => ({
  customerId,
  kind: 'pool.transfer.80' as const,
  subjectType: 'pool' as const,
  subjectId,
  data: { month: '2026-11', usedBytes: 8, allowanceBytes: 10, percent: 80 },
  dedupKey,
});

describe('EventService', () => {
  it('raises an event once per dedup key, however many raise it at once, and every time without one', async () => {
    const subject = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => events.raise(crossed(a, subject, `once:${subject}`))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await events.raise(crossed(a, subject))).toBe(true);
    expect(await events.raise(crossed(a, subject))).toBe(true);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM events WHERE subject_id = $1`, [subject]);
    expect(count).toBe(3);
  });

  it('rolls back with the transaction it was raised in', async () => {
    const subject = randomUUID();
    await expect(
      db.transaction(async (manager) => {
        expect(await events.raiseIn(manager, crossed(a, subject, `tx:${subject}`))).toBe(true);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await events.raise(crossed(a, subject, `tx:${subject}`))).toBe(true);
  });

  it("shows a customer only its own events, the operator every one (operator-only included), newest first across pages", async () => {
    const subject = randomUUID();
    for (const owner of [a, b, null, a, a]) await events.raise(crossed(owner, subject));
    const all = async (actor: Actor, filter = {}) => {
      const seen: { customerId: string | null; id: string; occurredAt: Date }[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const page = await events.list(actor, { limit: 2, after }, filter);
        seen.push(...page.items);
        if (!page.nextCursor) return seen;
        after = decodeCursor(page.nextCursor);
      }
    };
    const forA = await all(customer(a));
    expect(forA.every((e) => e.customerId === a)).toBe(true);
    const [{ count: aCount }] = await db.query(`SELECT count(*)::int AS count FROM events WHERE customer_id = $1`, [a]);
    expect(forA).toHaveLength(aCount);
    const everything = await all(operator);
    const [{ count: total }] = await db.query(`SELECT count(*)::int AS count FROM events`);
    expect(new Set(everything.map((e) => e.id)).size).toBe(total);
    expect(everything.map((e) => e.occurredAt.getTime())).toEqual([...everything.map((e) => e.occurredAt.getTime())].sort((x, y) => y - x));
    expect((await all(operator, { customerId: b })).map((e) => e.customerId)).toEqual(expect.arrayContaining([b]));
    expect((await all(operator, { customerId: b })).every((e) => e.customerId === b)).toBe(true);
    expect(await all(operator, { kind: 'pool.transfer.100' })).toEqual([]);
  });

  it('refuses a customerId filter from a customer', async () => {
    await expect(events.list(customer(a), { limit: 10 }, { customerId: b })).rejects.toMatchObject({ status: 400 });
  });
});

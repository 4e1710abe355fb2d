// Medium test: the price book against real PostgreSQL with the real migrations, racing an invoice run that finalises.
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { createTestDatabase, TestDatabase } from '@carve/testing';
import type { Actor } from '@carve/tenancy';
import { DataSource, EntityManager } from 'typeorm';
import { billingPeriod } from '../rules/billing-period';
import { PRICE_KEYS } from '../rules/price-versions';
import { PriceBookRepository } from './price-book.repository';
import { NewPriceVersion, PriceBook } from './price-book.service';

let database: TestDatabase;
let db: DataSource;
let book: PriceBook;
let sequence = 0;
const operator: Actor = { userId: '00000000-0000-4000-8000-000000000001', tokenId: 't-op', customerId: null, role: 'operator' };

const version = (effectiveFrom: string, currency = 'EUR'): NewPriceVersion =>
  ({ effectiveFrom, currency, ...Object.fromEntries(PRICE_KEYS.map((key, i) => [key, `${i}.${'5'.repeat(i + 1)}`])) }) as NewPriceVersion;

/** A final invoice as the invoice run leaves it (for a customer of its own: one invoice per customer and period), in manager's transaction. */
async function finalInvoice(manager: EntityManager, month: string, timeZone: string): Promise<void> {
  const period = billingPeriod(month, timeZone);
  sequence++;
  const [{ id: customerId }] = await manager.query(`INSERT INTO customers (name) VALUES ($1) RETURNING id`, [`price book ${sequence}`]);
  await manager.query(
    `INSERT INTO invoices (number, sequence, customer_id, period, time_zone, period_start, period_end, currency, tax_rate, subtotal_minor, tax_minor, total_minor, status, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'EUR', 0, 0, 0, 0, 'final', now())`,
    [`INV-T-${sequence}`, sequence, customerId, month, timeZone, new Date(period.start), new Date(period.end)],
  );
}

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  db = new DataSource(dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS));
  await db.initialize();
  book = new PriceBook(new PriceBookRepository(db), { billingTimeZone: 'UTC' });
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

describe('PriceBook', () => {
  it('stores every price in its own column and gives the rules their versions, oldest first', async () => {
    const b = await book.create(operator, version('2025-03-01T00:00:00Z'));
    const a = await book.create(operator, version('2025-02-01T00:00:00+01:00', 'JPY'));
    expect(b.prices).toEqual(Object.fromEntries(PRICE_KEYS.map((key, i) => [key, `${i}.${'5'.repeat(i + 1)}`])));
    const [row] = await db.query('SELECT included_io_gb_per_disk_gib_month::text AS v, created_by_user_id FROM price_book_versions WHERE id = $1', [b.id]);
    expect(row).toEqual({ v: `8.${'5'.repeat(9)}`, created_by_user_id: operator.userId });
    const versions = await book.versions();
    expect(versions.map((v) => v.id)).toEqual([a.id, b.id]);
    expect(versions[0]).toEqual({ id: a.id, effectiveFrom: Date.UTC(2025, 0, 31, 23), currency: 'JPY', prices: a.prices });
  });

  it('refuses customers, whatever the route in front of it says', async () => {
    await expect(book.create({ ...operator, customerId: '00000000-0000-4000-8000-000000000002', role: 'admin' }, version('2025-04-01T00:00:00Z'))).rejects.toMatchObject({ status: 403 });
  });

  it('ends the latest finalised period where its own zone ends it, the latest zone winning when zones differ', async () => {
    await db.transaction((m) => finalInvoice(m, '2025-06', 'UTC'));
    await db.transaction((m) => finalInvoice(m, '2025-06', 'America/Los_Angeles'));
    // June ends at 07:00Z in Los Angeles (PDT), later than in UTC.
    await expect(book.create(operator, version('2025-07-01T06:59:59Z'))).rejects.toMatchObject({ code: 'period_finalised', extensions: { period: '2025-06', timeZone: 'America/Los_Angeles', periodEnd: '2025-07-01T07:00:00.000Z' } });
    await expect(book.create(operator, version('2025-07-01T07:00:00Z'))).resolves.toMatchObject({ effectiveFrom: new Date('2025-07-01T07:00:00Z') });
  });

  it('lets a version added while a run finalises wait for it, then refuses it when that run closed its period', async () => {
    let finalising!: () => void;
    const locked = new Promise<void>((resolve) => (finalising = resolve));
    let release!: () => void;
    const commit = new Promise<void>((resolve) => (release = resolve));
    const run = db.transaction(async (manager) => {
      await book.versionsForFinalising(manager);
      finalising();
      await commit;
      await finalInvoice(manager, '2025-08', 'UTC');
    });
    await locked;
    const added = book.create(operator, version('2025-08-20T00:00:00Z'));
    const outcome = added.then(
      () => 'created',
      (error: { code?: string }) => error.code,
    );
    // Still waiting for the run's lock: nothing decided yet.
    expect(await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))])).toBe('waiting');
    release();
    await run;
    expect(await outcome).toBe('period_finalised');
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM price_book_versions WHERE effective_from = '2025-08-20T00:00:00Z'`);
    expect(count).toBe(0);
  });

  it('settles two versions at one instant racing each other: one is created, the other is 409', async () => {
    const results = await Promise.allSettled([book.create(operator, version('2030-01-01T00:00:00Z')), book.create(operator, version('2030-01-01T01:00:00+01:00', 'AUD'))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'duplicate_effective_from', status: 409 } });
  });

  it('changes the currency only where a billing period starts, in the billing time zone', async () => {
    // The book so far ends with EUR from 2030-01-01 (the race above); later versions stay after every other test's.
    await book.create(operator, version('2031-01-01T00:00:00Z', 'EUR'));
    await expect(book.create(operator, version('2031-01-15T00:00:00Z', 'AUD'))).rejects.toMatchObject({
      status: 409,
      code: 'currency_change_mid_period',
      extensions: { fields: [{ field: 'effectiveFrom', message: expect.stringContaining('EUR to AUD') }], periodStart: '2031-01-01T00:00:00.000Z', nextPeriodStart: '2031-02-01T00:00:00.000Z' },
    });
    // The same currency mid-period is an ordinary price change.
    await expect(book.create(operator, version('2031-01-15T00:00:00Z', 'EUR'))).resolves.toMatchObject({ currency: 'EUR' });
    // From a period's first instant, the currency may change.
    await expect(book.create(operator, version('2031-03-01T00:00:00Z', 'AUD'))).resolves.toMatchObject({ currency: 'AUD' });
    // A version inserted before a later one in another currency must not leave that one's change mid-period: here AUD from 03-01 stays at a period start.
    await expect(book.create(operator, version('2031-02-10T00:00:00Z', 'EUR'))).resolves.toMatchObject({ currency: 'EUR' });
    await expect(book.create(operator, version('2031-02-20T00:00:00Z', 'JPY'))).rejects.toMatchObject({ code: 'currency_change_mid_period' });
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM price_book_versions WHERE currency = 'JPY' AND effective_from > '2031-01-01'`);
    expect(count).toBe(0);
  });

  it('reads period starts in its own zone: Melbourne months start at 13:00 or 14:00 UTC', async () => {
    const melbourne = new PriceBook(new PriceBookRepository(db), { billingTimeZone: 'Australia/Melbourne' });
    // AUD is in force from 2031-03-01Z (UTC book above); April starts in Melbourne at 2031-03-31T13:00Z (AEDT, +11).
    await expect(melbourne.create(operator, version('2031-04-01T00:00:00Z', 'JPY'))).rejects.toMatchObject({ code: 'currency_change_mid_period', extensions: { timeZone: 'Australia/Melbourne' } });
    await expect(melbourne.create(operator, version('2031-03-31T13:00:00Z', 'JPY'))).resolves.toMatchObject({ currency: 'JPY' });
  });
});

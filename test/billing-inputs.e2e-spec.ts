// What billing takes as input, through HTTP: the operator's price book, each customer's
// tax rate, and how each pool is billed (transfer or p95; a dedicated pool's monthly price).
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createHost, createUser, TestCustomer } from './support/fixtures';
import { expectProblem, problemFields, snapshotTables } from './support/problem-assertions';

let api: ApiHarness;
let acme: TestCustomer;
let counter = 0;

/** A valid version body (the example prices); effectiveFrom far in the future and unique unless given. */
function version(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    effectiveFrom: new Date(Date.UTC(2031, 0, 1) + counter++ * 86_400_000).toISOString(),
    currency: 'AUD',
    ramGibMonth: '5.00',
    vcpuMonth: '4.00',
    diskGibMonth: '0.08',
    transferGbMonth: '0.002',
    transferOverageGb: '0.10',
    cpuHour: '0.015',
    includedCpuHoursPerVcpuMonth: '200',
    ioGb: '0.02',
    includedIoGbPerDiskGibMonth: '10',
    bandwidthMbitMonth: '1.50',
    ...overrides,
  };
}

const priceBook = () => snapshotTables(api.db, ['price_book_versions']);

beforeAll(async () => {
  api = await startApiHarness();
  acme = await createCustomer(api);
});
afterAll(() => api.close());

describe('the price book', () => {
  it('keeps versions exactly as written, oldest first, each readable by id', async () => {
    const later = version({ effectiveFrom: '2032-06-01T00:00:00Z', currency: 'JPY', ramGibMonth: '700', cpuHour: '0.000123456789' });
    const earlier = version({ effectiveFrom: '2032-05-31T23:59:59.999+10:00', ramGibMonth: '5.25', transferGbMonth: '0.000000000001' });
    const a = await api.request('POST', '/v1/price-book', { body: later });
    expect(a.status).toBe(201);
    const b = await api.request('POST', '/v1/price-book', { body: earlier });
    expect(b.status).toBe(201);
    const { effectiveFrom: _ignored, ...prices } = earlier;
    expect(b.body).toEqual({ id: expect.any(String), effectiveFrom: '2032-05-31T13:59:59.999Z', ...prices, createdAt: expect.any(String), createdByUserId: expect.any(String) });
    // Per-unit prices may be finer than the currency's minor unit (JPY has none).
    expect(a.body).toMatchObject({ currency: 'JPY', ramGibMonth: '700', cpuHour: '0.000123456789', effectiveFrom: '2032-06-01T00:00:00.000Z' });

    const list = await api.request('GET', '/v1/price-book');
    expect(list.status).toBe(200);
    const ids = list.body.map((v: { id: string }) => v.id);
    expect(ids.indexOf(b.body.id)).toBe(ids.indexOf(a.body.id) - 1);
    const times = list.body.map((v: { effectiveFrom: string }) => Date.parse(v.effectiveFrom));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect((await api.request('GET', `/v1/price-book/${b.body.id}`)).body).toEqual(b.body);
    expect((await api.request('GET', `/v1/price-book/${a.body.id}`)).body).toEqual(a.body);
    const [row] = await api.db.query('SELECT ram_gib_month::text AS ram, transfer_gb_month::text AS transfer, created_by_user_id FROM price_book_versions WHERE id = $1', [b.body.id]);
    expect(row).toEqual({ ram: '5.25', transfer: '0.000000000001', created_by_user_id: b.body.createdByUserId });
  });

  it.each<[string, unknown, string]>([
    ['currency', 'EUX', 'unknown currency'],
    ['currency', 'eur', 'lower case currency'],
    ['currency', 12, 'a number for a currency'],
    ['ramGibMonth', '-1', 'negative price'],
    ['vcpuMonth', '-0.01', 'negative price with decimals'],
    ['cpuHour', '1e3', 'exponent'],
    ['ioGb', 5, 'a JSON number'],
    ['diskGibMonth', '', 'empty'],
    ['diskGibMonth', ' 1.00', 'leading space'],
    ['transferOverageGb', '.5', 'no digit before the point'],
    ['transferOverageGb', '1.', 'no digit after the point'],
    ['transferOverageGb', '+1', 'a plus sign'],
    ['transferOverageGb', '007', 'leading zeros'],
    ['bandwidthMbitMonth', '0.1234567890123', '13 decimals'],
    ['bandwidthMbitMonth', '1234567890123', '13 integer digits'],
    ['effectiveFrom', '2026-13-01T00:00:00Z', 'month 13'],
    ['effectiveFrom', '2026-02-30T00:00:00Z', 'February 30'],
    ['effectiveFrom', '2026-01-01', 'a date without a time'],
    ['effectiveFrom', '2026-01-01T00:00:00', 'no offset'],
    ['effectiveFrom', '2026-01-01T00:00:00.0001Z', 'below a millisecond'],
    ['effectiveFrom', 'yesterday', 'words'],
    ['effectiveFrom', 1767225600000, 'a number'],
  ])('refuses %s %j (%s) with 400 naming it, and adds nothing', async (field, value) => {
    const before = await priceBook();
    const res = await api.request('POST', '/v1/price-book', { body: version({ [field]: value }) });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual([field]);
    expect(await priceBook()).toEqual(before);
  });

  it('names each missing field and refuses unknown ones', async () => {
    const before = await priceBook();
    const { bandwidthMbitMonth: _b, currency: _c, effectiveFrom: _e, ...partial } = version();
    const missing = await api.request('POST', '/v1/price-book', { body: partial });
    expectProblem(missing, 400, 'validation_failed');
    expect(problemFields(missing).sort()).toEqual(['bandwidthMbitMonth', 'currency', 'effectiveFrom']);
    expect((missing.body.fields as { field: string; message: string }[]).find((f) => f.field === 'currency')?.message).toBe('is required');
    const extra = await api.request('POST', '/v1/price-book', { body: version({ taxRate: '0.10' }) });
    expectProblem(extra, 400, 'validation_failed');
    expect(problemFields(extra)).toEqual(['taxRate']);
    const negative = await api.request('POST', '/v1/price-book', { body: version({ ramGibMonth: '-1' }) });
    expect(negative.body.fields).toEqual([{ field: 'ramGibMonth', message: 'must not be negative' }]);
    expect(await priceBook()).toEqual(before);
  });

  it('is the operator\'s alone: customers get 403 and change nothing', async () => {
    const viewer = await createUser(api, acme.adminToken, 'viewer');
    const before = await priceBook();
    for (const token of [acme.adminToken, viewer.token]) {
      expectProblem(await api.request('POST', '/v1/price-book', { token, body: version() }), 403, 'forbidden');
      expectProblem(await api.request('GET', '/v1/price-book', { token }), 403, 'forbidden');
    }
    expect(await priceBook()).toEqual(before);
  });

  it('refuses a second version at the same instant, however it is written (409 naming effectiveFrom)', async () => {
    expect((await api.request('POST', '/v1/price-book', { body: version({ effectiveFrom: '2033-01-01T00:00:00Z' }) })).status).toBe(201);
    const before = await priceBook();
    const res = await api.request('POST', '/v1/price-book', { body: version({ effectiveFrom: '2033-01-01T11:00:00+11:00', currency: 'EUR' }) });
    expectProblem(res, 409, 'duplicate_effective_from');
    expect(problemFields(res)).toEqual(['effectiveFrom']);
    expect(await priceBook()).toEqual(before);
  });

  it('has no way to change or delete a version', async () => {
    const created = await api.request('POST', '/v1/price-book', { body: version() });
    for (const method of ['PATCH', 'PUT', 'DELETE']) {
      const res = await api.request(method, `/v1/price-book/${created.body.id}`, { body: method === 'DELETE' ? undefined : { ramGibMonth: '1.00' } });
      expect(res.status).toBe(404);
    }
    expect((await api.request('GET', `/v1/price-book/${created.body.id}`)).body).toEqual(created.body);
  });

  it('answers 404 for a version that does not exist and 400 for an id that is not one', async () => {
    expectProblem(await api.request('GET', '/v1/price-book/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    const bad = await api.request('GET', '/v1/price-book/latest');
    expectProblem(bad, 400, 'validation_failed');
    expect(problemFields(bad)).toEqual(['path.id']);
  });

  // Last in this file: a final invoice cannot be removed, and it closes every period up to its own.
  it("refuses a version that would change a period with final invoices (its end in the invoice's zone), and takes one from that end on", async () => {
    const owner = await createCustomer(api);
    // October 2026 in Melbourne: 1 Oct 00:00 AEST (30 Sep 14:00Z) to 1 Nov 00:00 AEDT (31 Oct 13:00Z).
    await api.db.query(
      `INSERT INTO invoices (number, sequence, customer_id, period, time_zone, period_start, period_end, currency, tax_rate, subtotal_minor, tax_minor, total_minor, status, issued_at)
       VALUES ('INV-2026-000001', 1, $1, '2026-10', 'Australia/Melbourne', '2026-09-30T14:00:00Z', '2026-10-31T13:00:00Z', 'AUD', 0.10, 1000, 100, 1100, 'final', now())`,
      [owner.id],
    );
    // A draft of a later month does not close it.
    await api.db.query(
      `INSERT INTO invoices (customer_id, period, time_zone, period_start, period_end, currency, tax_rate, subtotal_minor, tax_minor, total_minor, status)
       VALUES ($1, '2026-11', 'Australia/Melbourne', '2026-10-31T13:00:00Z', '2026-11-30T13:00:00Z', 'AUD', 0.10, 0, 0, 0, 'draft')`,
      [owner.id],
    );
    const before = await priceBook();
    for (const effectiveFrom of ['2026-10-15T00:00:00Z', '2026-10-31T12:59:59.999Z', '2026-11-01T00:00:00+11:01', '2020-01-01T00:00:00Z']) {
      const res = await api.request('POST', '/v1/price-book', { body: version({ effectiveFrom }) });
      const problem = expectProblem(res, 409, 'period_finalised');
      expect(problemFields(res)).toEqual(['effectiveFrom']);
      expect(problem).toMatchObject({ period: '2026-10', timeZone: 'Australia/Melbourne', periodEnd: '2026-10-31T13:00:00.000Z' });
      expect(problem.detail).toContain('credit note');
    }
    expect(await priceBook()).toEqual(before);

    const atEnd = await api.request('POST', '/v1/price-book', { body: version({ effectiveFrom: '2026-11-01T00:00:00+11:00' }) });
    expect(atEnd.status).toBe(201);
    expect(atEnd.body.effectiveFrom).toBe('2026-10-31T13:00:00.000Z');
  });
});

describe("a customer's tax rate", () => {
  it('is set on create (default "0"), changed by PATCH, shown to the operator and read by the customer at /v1/account', async () => {
    const taxed = await api.request('POST', '/v1/customers', { body: { name: `Taxed ${counter++}`, taxRate: '0.10', adminName: 'Admin', adminEmail: `taxed-${counter++}@example.com` } });
    expect(taxed.status).toBe(201);
    expect(taxed.body.taxRate).toBe('0.10');
    expect((await api.request('GET', `/v1/customers/${taxed.body.id}`)).body.taxRate).toBe('0.10');
    expect((await api.request('GET', `/v1/customers/${acme.id}`)).body.taxRate).toBe('0');

    for (const taxRate of ['0.19', '0', '0.999999', '0.10']) {
      const res = await api.request('PATCH', `/v1/customers/${taxed.body.id}`, { body: { taxRate } });
      expect({ status: res.status, taxRate: res.body.taxRate }).toEqual({ status: 200, taxRate });
      const [row] = await api.db.query('SELECT tax_rate::text AS rate FROM customers WHERE id = $1', [taxed.body.id]);
      expect(row.rate).toBe(taxRate);
    }
    const listed = await api.request('GET', `/v1/customers?limit=100`);
    expect(listed.body.items.find((c: { id: string }) => c.id === taxed.body.id).taxRate).toBe('0.10');

    const token = await api.request('POST', `/v1/customers/${taxed.body.id}/tokens`, { body: { name: 'own' } });
    const viewer = await createUser(api, token.body.token, 'viewer');
    for (const t of [token.body.token, viewer.token]) {
      const own = await api.request('GET', '/v1/account', { token: t });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: taxed.body.id, taxRate: '0.10' });
    }
    expectProblem(await api.request('GET', '/v1/account'), 403, 'forbidden');
    expectProblem(await api.request('PATCH', `/v1/customers/${taxed.body.id}`, { token: token.body.token, body: { taxRate: '0' } }), 403, 'forbidden');
  });

  it.each<[unknown]>([['1.5'], ['-0.1'], ['abc'], ['1'], ['1.0'], ['.1'], ['00.1'], ['0.1234567'], [0.1], [null]])('refuses %j with 400 naming taxRate, changing nothing', async (taxRate) => {
    const before = await snapshotTables(api.db, ['customers', 'users']);
    const patch = await api.request('PATCH', `/v1/customers/${acme.id}`, { body: { taxRate } });
    expectProblem(patch, 400, 'validation_failed');
    expect(problemFields(patch)).toEqual(['taxRate']);
    const create = await api.request('POST', '/v1/customers', { body: { name: `Refused ${counter++}`, taxRate, adminName: 'Admin', adminEmail: `refused-${counter++}@example.com` } });
    expectProblem(create, 400, 'validation_failed');
    expect(problemFields(create)).toEqual(['taxRate']);
    expect(await snapshotTables(api.db, ['customers', 'users'])).toEqual(before);
  });
});

describe('how a pool is billed', () => {
  const poolRows = () => api.db.query('SELECT * FROM pools ORDER BY id');
  let customer: TestCustomer;

  beforeAll(async () => {
    customer = await createCustomer(api);
    expect((await api.request('PUT', `/v1/customers/${customer.id}/pool-ceiling`, { body: { memoryMiB: 16384, vcpus: 16, diskGiB: 500, transferGB: 5000 } })).status).toBe(200);
  });

  const shared = (overrides: Record<string, unknown> = {}) => ({ name: `billed-${counter++}`, kind: 'shared', memoryMiB: 1024, vcpus: 1, diskGiB: 10, transferGB: 100, ...overrides });

  it('is transfer unless asked for p95; the customer switches it back and forth, and every view shows it', async () => {
    const plain = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: shared() });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ billing: 'transfer', monthlyPrice: null });
    const p95 = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: shared({ billing: 'p95' }) });
    expect(p95.body.billing).toBe('p95');

    for (const billing of ['transfer', 'p95', 'p95', 'transfer']) {
      const res = await api.request('PATCH', `/v1/pools/${plain.body.id}`, { token: customer.adminToken, body: { billing } });
      expect({ status: res.status, billing: res.body.billing }).toEqual({ status: 200, billing });
      expect((await api.request('GET', `/v1/pools/${plain.body.id}`, { token: customer.adminToken })).body.billing).toBe(billing);
      const [row] = await api.db.query('SELECT billing FROM pools WHERE id = $1', [plain.body.id]);
      expect(row.billing).toBe(billing);
    }
    const list = await api.request('GET', '/v1/pools?limit=100', { token: customer.adminToken });
    expect(Object.fromEntries(list.body.items.map((p: { id: string; billing: string }) => [p.id, p.billing]))).toMatchObject({ [plain.body.id]: 'transfer', [p95.body.id]: 'p95' });
    // A billing change is not a size change: the size history billing prorates stays as it was.
    const [{ count }] = await api.db.query('SELECT count(*)::int AS count FROM pool_size_changes WHERE pool_id = $1', [plain.body.id]);
    expect(count).toBe(1);
  });

  it('refuses another mode, and billing on a dedicated pool, naming billing', async () => {
    const pool = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: shared() });
    const host = await createHost(api, { dedicatedCustomerId: customer.id });
    const before = await poolRows();
    for (const billing of ['flat', 'P95', 5, null]) {
      const res = await api.request('PATCH', `/v1/pools/${pool.body.id}`, { token: customer.adminToken, body: { billing } });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['billing']);
    }
    const create = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: shared({ billing: 'monthly' }) });
    expect(problemFields(create)).toEqual(['billing']);
    const dedicated = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: { name: `ded-${counter++}`, kind: 'dedicated', hostId: host.id, billing: 'p95' } });
    expectProblem(dedicated, 400, 'validation_failed');
    expect(problemFields(dedicated)).toEqual(['billing']);
    expect(await poolRows()).toEqual(before);
  });

  it("gives a dedicated pool no price until the operator sets one; only the operator sets it, only on dedicated pools, and can clear it", async () => {
    const host = await createHost(api, { dedicatedCustomerId: customer.id });
    const pool = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: { name: `ded-${counter++}`, kind: 'dedicated', hostId: host.id } });
    expect(pool.status).toBe(201);
    expect(pool.body).toMatchObject({ kind: 'dedicated', monthlyPrice: null, billing: null });
    const sharedPool = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: shared() });

    const before = await poolRows();
    const byCustomer = await api.request('PATCH', `/v1/pools/${pool.body.id}`, { token: customer.adminToken, body: { monthlyPrice: '0.00' } });
    expectProblem(byCustomer, 400, 'validation_failed');
    expect(problemFields(byCustomer)).toEqual(['monthlyPrice']);
    for (const monthlyPrice of ['-5', '1e2', 120, '12.0000000000001']) {
      const res = await api.request('PATCH', `/v1/pools/${pool.body.id}`, { body: { monthlyPrice } });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['monthlyPrice']);
    }
    const onShared = await api.request('PATCH', `/v1/pools/${sharedPool.body.id}`, { body: { monthlyPrice: '10.00' } });
    expectProblem(onShared, 400, 'validation_failed');
    expect(problemFields(onShared)).toEqual(['monthlyPrice']);
    const billingOnDedicated = await api.request('PATCH', `/v1/pools/${pool.body.id}`, { body: { billing: 'p95' } });
    expectProblem(billingOnDedicated, 400, 'validation_failed');
    expect(problemFields(billingOnDedicated)).toEqual(['billing']);
    expect(await poolRows()).toEqual(before);

    const priced = await api.request('PATCH', `/v1/pools/${pool.body.id}`, { body: { monthlyPrice: '120.00' } });
    expect(priced.status).toBe(200);
    expect(priced.body.monthlyPrice).toBe('120.00');
    expect((await api.request('GET', `/v1/pools/${pool.body.id}`, { token: customer.adminToken })).body.monthlyPrice).toBe('120.00');
    const [row] = await api.db.query('SELECT monthly_price::text AS price FROM pools WHERE id = $1', [pool.body.id]);
    expect(row.price).toBe('120.00');

    const cleared = await api.request('PATCH', `/v1/pools/${pool.body.id}`, { body: { monthlyPrice: null } });
    expect(cleared.body.monthlyPrice).toBeNull();
    const [after] = await api.db.query('SELECT monthly_price FROM pools WHERE id = $1', [pool.body.id]);
    expect(after.monthly_price).toBeNull();
  });
});

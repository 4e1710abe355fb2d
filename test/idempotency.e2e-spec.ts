import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '@carve/testing';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, customerName, email } from './support/fixtures';
import { expectProblem, problemFields } from './support/problem-assertions';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

let keys = 0;
const newKey = () => `key-${Date.now().toString(36)}-${keys++}`;
const withKey = (key: string) => ({ 'idempotency-key': key });

async function customersNamed(name: string): Promise<number> {
  const rows: { count: string }[] = await api.db.query('SELECT count(*) FROM customers WHERE name = $1', [name]);
  return Number(rows[0]!.count);
}

function customerBody(name = customerName()) {
  return { name, adminName: 'Ada', adminEmail: email('ada') };
}

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, creating one object', async () => {
    const key = newKey();
    const body = customerBody();
    const first = await api.request('POST', '/v1/customers', { body, headers: withKey(key) });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // Same JSON with its keys in another order: the same request.
    const reordered = { adminEmail: body.adminEmail, adminName: body.adminName, name: body.name };
    const second = await api.request('POST', '/v1/customers', { body: reordered, headers: withKey(key) });
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(String(second.headers['content-type'])).toMatch(/^application\/json/);
    expect(await customersNamed(body.name)).toBe(1);
    // The handler did not run again: one audit event for one change.
    const events: unknown[] = await api.db.query('SELECT 1 FROM audit_events WHERE object_id = $1', [first.body.id]);
    expect(events).toHaveLength(1);
  });

  it('refuses the same key with a different body (422) and creates nothing', async () => {
    const key = newKey();
    const first = await api.request('POST', '/v1/customers', { body: customerBody(), headers: withKey(key) });
    expect(first.status).toBe(201);
    const other = customerBody();
    expectProblem(await api.request('POST', '/v1/customers', { body: other, headers: withKey(key) }), 422, 'idempotency_key_reused');
    expect(await customersNamed(other.name)).toBe(0);
  });

  it('refuses the same key and body on another path or method (422)', async () => {
    const customer = await createCustomer(api);
    const key = newKey();
    expect((await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'a' }, headers: withKey(key) })).status).toBe(201);
    expectProblem(await api.request('POST', '/v1/users', { token: customer.adminToken, body: { name: 'a' }, headers: withKey(key) }), 422, 'idempotency_key_reused');
  });

  it('lets exactly one of two concurrent identical requests run', async () => {
    const key = newKey();
    const body = customerBody();
    const responses = await Promise.all([0, 1].map(() => api.request('POST', '/v1/customers', { body, headers: withKey(key) })));
    const created = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
    expect(created).toHaveLength(1);
    const other = responses.find((r) => r !== created[0])!;
    if (other.status === 201) {
      expect(other.headers['idempotent-replayed']).toBe('true');
      expect(other.body).toEqual(created[0]!.body);
    } else {
      expectProblem(other, 409, 'idempotency_key_in_progress');
      expect(other.headers['retry-after']).toBe('1');
    }
    expect(await customersNamed(body.name)).toBe(1);
    // Once the first is done, the key replays.
    const later = await api.request('POST', '/v1/customers', { body, headers: withKey(key) });
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBe('true');
  });

  it("keeps keys per tenant: tenant B's request with tenant A's key runs on its own", async () => {
    const a = await createCustomer(api);
    const b = await createCustomer(api);
    const key = newKey();
    const fromA = await api.request('POST', '/v1/tokens', { token: a.adminToken, body: { name: 'deploy' }, headers: withKey(key) });
    const fromB = await api.request('POST', '/v1/tokens', { token: b.adminToken, body: { name: 'deploy' }, headers: withKey(key) });
    expect([fromA.status, fromB.status]).toEqual([201, 201]);
    expect(fromB.headers['idempotent-replayed']).toBeUndefined();
    expect(fromB.body.customerId).toBe(b.id);
    expect(fromB.body.id).not.toBe(fromA.body.id);
    // A's replay is still A's own token.
    const againA = await api.request('POST', '/v1/tokens', { token: a.adminToken, body: { name: 'deploy' }, headers: withKey(key) });
    expect(againA.headers['idempotent-replayed']).toBe('true');
    expect(againA.body.id).toBe(fromA.body.id);
    // The secret is shown once: neither the replay nor the stored copy in Redis holds it.
    expect(fromA.body.token).toMatch(/^carve_/);
    expect(againA.body.token).toBeNull();
    expect(againA.body.tokenNotReplayed).toMatch(/shown once/);
    const stored = await redisValues(api.config.redisPrefix);
    expect(stored.some((value) => value.includes(fromA.body.token))).toBe(false);
  });

  it('behaves normally without the header', async () => {
    const customer = await createCustomer(api);
    const first = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'same' } });
    const second = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'same' } });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
  });

  it('rejects a malformed key with 400 naming the header, and runs nothing', async () => {
    for (const bad of ['', 'has space', 'x'.repeat(256), 'tab\there', 'nön-ascii']) {
      const body = customerBody();
      const res = await api.request('POST', '/v1/customers', { body, headers: withKey(bad) });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['header.idempotency-key']);
      expect(await customersNamed(body.name)).toBe(0);
    }
    const longest = await api.request('POST', '/v1/customers', { body: customerBody(), headers: withKey('k'.repeat(255)) });
    expect(longest.status).toBe(201);
  });

  it('keeps 4xx answers like successes: the replay is the same problem', async () => {
    const key = newKey();
    const invalid = { name: '', adminName: 'Ada', adminEmail: 'not-an-email' };
    const first = await api.request('POST', '/v1/customers', { body: invalid, headers: withKey(key) });
    expectProblem(first, 400, 'validation_failed');
    const second = await api.request('POST', '/v1/customers', { body: invalid, headers: withKey(key) });
    expectProblem(second, 400, 'validation_failed');
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
  });

  it('does not store failed authentication: the key still works for the real caller', async () => {
    const key = newKey();
    const body = customerBody();
    expectProblem(await api.request('POST', '/v1/customers', { token: 'carve_deadbeef_notarealtokennotarealtokennotareal', body, headers: withKey(key) }), 401, 'unauthenticated');
    const real = await api.request('POST', '/v1/customers', { body, headers: withKey(key) });
    expect(real.status).toBe(201);
    expect(real.headers['idempotent-replayed']).toBeUndefined();
  });

  it('replays a DELETE with its body', async () => {
    const customer = await createCustomer(api);
    const issued = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'temp' } });
    const key = newKey();
    const first = await api.request('DELETE', `/v1/tokens/${issued.body.id}`, { token: customer.adminToken, headers: withKey(key) });
    expect(first.status).toBe(200);
    const second = await api.request('DELETE', `/v1/tokens/${issued.body.id}`, { token: customer.adminToken, headers: withKey(key) });
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
  });

  it('ignores the header on GET', async () => {
    const res = await api.request('GET', '/v1/customers', { headers: withKey('has space') });
    expect(res.status).toBe(200);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('stores keys in Redis for at least 24 hours under the tenant and user', async () => {
    const customer = await createCustomer(api);
    await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'ttl' }, headers: withKey(newKey()) });
    const { Redis } = await import('ioredis');
    const redis = new Redis(api.config.redisUrl);
    try {
      const found = await redis.keys(`${api.config.redisPrefix}:idem:${customer.id}:${customer.adminId}:*`);
      expect(found).toHaveLength(1);
      const ttl = await redis.ttl(found[0]!);
      expect(ttl).toBeGreaterThan(24 * 60 * 60);
    } finally {
      redis.disconnect();
    }
  });

  it('documents the header on every POST, PATCH and DELETE in OpenAPI, and on no GET', async () => {
    const doc = await api.request('GET', '/openapi.json', { token: null });
    const paths = doc.body.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    let mutating = 0;
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const headers = (operation.parameters ?? []).filter((p) => p.in === 'header' && p.name === 'Idempotency-Key');
        const expected = ['post', 'patch', 'delete'].includes(method) ? 1 : 0;
        mutating += expected;
        expect({ path, method, headers: headers.length }).toEqual({ path, method, headers: expected });
      }
    }
    expect(mutating).toBeGreaterThan(5);
  });
});

/** Every string value under a Redis prefix (the idempotency store included). */
async function redisValues(prefix: string): Promise<string[]> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    const values = await Promise.all(keys.map(async (key) => ((await redis.type(key)) === 'string' ? ((await redis.get(key)) ?? '') : '')));
    return values;
  } finally {
    redis.disconnect();
  }
}

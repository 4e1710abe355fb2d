import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createUser, customerName, email } from './support/fixtures';
import { expectProblem, problemFields, snapshotTables } from './support/problem-assertions';

const TOKEN_FORM = /^carve_[a-z0-9]{8}_[A-Za-z0-9]{32}$/;

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

describe('customers (operator)', () => {
  it('creates a customer with its first admin, then hands over a token that works', async () => {
    const name = customerName();
    const adminEmail = email('ada');
    const created = await api.request('POST', '/v1/customers', { body: { name, contactEmail: 'billing@acme.example', adminName: 'Ada', adminEmail } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, contactEmail: 'billing@acme.example', status: 'active', admin: { name: 'Ada', email: adminEmail, role: 'admin' } });
    expect(created.body.admin.customerId).toBe(created.body.id);
    const users = await api.db.query('SELECT role, customer_id FROM users WHERE customer_id = $1', [created.body.id]);
    expect(users).toEqual([{ role: 'admin', customer_id: created.body.id }]);

    const issued = await api.request('POST', `/v1/customers/${created.body.id}/tokens`, { body: { name: 'handover' } });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(TOKEN_FORM);
    expect(issued.body).toMatchObject({ name: 'handover', userId: created.body.admin.id, customerId: created.body.id, revokedAt: null, expiresAt: null });
    expect(issued.body.token.slice(6, 14)).toBe(issued.body.prefix);

    const me = await api.request('GET', '/v1/users', { token: issued.body.token });
    expect(me.status).toBe(200);
    expect(me.body.items.map((u: { id: string }) => u.id)).toEqual([created.body.admin.id]);
  });

  it('reads, lists, filters and patches customers', async () => {
    const customer = await createCustomer(api);
    const got = await api.request('GET', `/v1/customers/${customer.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: customer.id, name: customer.name });

    const listed = await api.request('GET', `/v1/customers?name=${encodeURIComponent(customer.name.toUpperCase())}`);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([customer.id]);

    const patched = await api.request('PATCH', `/v1/customers/${customer.id}`, { body: { status: 'suspended', contactEmail: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'suspended', contactEmail: null, name: customer.name });
    const suspended = await api.request('GET', '/v1/customers?status=suspended&limit=100');
    expect(suspended.body.items.map((c: { id: string }) => c.id)).toContain(customer.id);

    // A suspended account's tokens stop working until the operator reactivates it.
    const refused = await api.request('GET', '/v1/tokens', { token: customer.adminToken });
    expectProblem(refused, 403, 'account_suspended');
    await api.request('PATCH', `/v1/customers/${customer.id}`, { body: { status: 'active' } });
    expect((await api.request('GET', '/v1/tokens', { token: customer.adminToken })).status).toBe(200);
  });

  it('treats customer names without case: create and rename into a taken name are 409', async () => {
    const taken = await createCustomer(api);
    const other = await createCustomer(api);
    const before = await snapshotTables(api.db);
    const dup = await api.request('POST', '/v1/customers', { body: { name: taken.name.toUpperCase(), adminName: 'X', adminEmail: email() } });
    expectProblem(dup, 409, 'duplicate_customer_name');
    expect(problemFields(dup)).toEqual(['name']);
    const rename = await api.request('PATCH', `/v1/customers/${other.id}`, { body: { name: taken.name.toLowerCase() } });
    expectProblem(rename, 409, 'duplicate_customer_name');
    // The failed create left no half-made customer or admin behind.
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it('answers 404 for a customer that does not exist', async () => {
    const missing = '3d0d7c52-1f7a-4d55-8d0e-2a9bb1c0a001';
    expectProblem(await api.request('GET', `/v1/customers/${missing}`), 404, 'not_found');
    expectProblem(await api.request('PATCH', `/v1/customers/${missing}`, { body: { status: 'active' } }), 404, 'not_found');
    expectProblem(await api.request('POST', `/v1/customers/${missing}/tokens`, { body: { name: 'x' } }), 404, 'not_found');
  });
});

describe('tokens (customer admin)', () => {
  it('shows a token once: lists carry the prefix, never the secret', async () => {
    const customer = await createCustomer(api);
    const issued = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'ci', expiresAt: '2099-01-01T00:00:00Z' } });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(TOKEN_FORM);
    expect(issued.body).toMatchObject({ name: 'ci', userId: customer.adminId, customerId: customer.id, expiresAt: '2099-01-01T00:00:00.000Z' });

    const list = await api.request('GET', '/v1/tokens', { token: customer.adminToken });
    expect(list.status).toBe(200);
    const listed = list.body.items.find((t: { id: string }) => t.id === issued.body.id);
    expect(listed).toMatchObject({ id: issued.body.id, prefix: issued.body.prefix, name: 'ci' });
    expect(listed).not.toHaveProperty('token');
    expect(listed).not.toHaveProperty('secretHash');
    for (const secret of [issued.body.token, customer.adminToken]) expect(list.text).not.toContain(secret.slice(15));

    // Only the hash is stored.
    const [row] = await api.db.query('SELECT secret_hash FROM api_tokens WHERE id = $1', [issued.body.id]);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secret_hash).not.toContain(issued.body.token.slice(15));
  });

  it('records lastUsedAt once a token is used', async () => {
    const customer = await createCustomer(api);
    const issued = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'fresh' } });
    expect(issued.body.lastUsedAt).toBeNull();
    const [unused] = await api.db.query('SELECT last_used_at FROM api_tokens WHERE id = $1', [issued.body.id]);
    expect(unused.last_used_at).toBeNull();
    expect((await api.request('GET', '/v1/users', { token: issued.body.token })).status).toBe(200);
    const [used] = await api.db.query('SELECT last_used_at FROM api_tokens WHERE id = $1', [issued.body.id]);
    expect(used.last_used_at).toBeInstanceOf(Date);
    const list = await api.request('GET', '/v1/tokens', { token: customer.adminToken });
    expect(list.body.items.find((t: { id: string }) => t.id === issued.body.id).lastUsedAt).toEqual(used.last_used_at.toISOString());
  });

  it('rejects an expiry in the past or not a date, creating nothing', async () => {
    const customer = await createCustomer(api);
    const before = await snapshotTables(api.db);
    for (const expiresAt of ['2001-01-01T00:00:00Z', 'tomorrow', 12345, true]) {
      const res = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'old', expiresAt } });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['expiresAt']);
    }
    const viaOperator = await api.request('POST', `/v1/customers/${customer.id}/tokens`, { body: { name: 'old', expiresAt: '2001-01-01T00:00:00Z' } });
    expectProblem(viaOperator, 400, 'validation_failed');
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it('revokes a token: it answers 401 from then on, and revoking again changes nothing', async () => {
    const customer = await createCustomer(api);
    const issued = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'doomed' } });
    const revoked = await api.request('DELETE', `/v1/tokens/${issued.body.id}`, { token: customer.adminToken });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const res = await api.request('GET', '/v1/users', { token: issued.body.token });
    expectProblem(res, 401, 'unauthenticated');
    expect(res.body.detail).toMatch(/revoked/);
    const again = await api.request('DELETE', `/v1/tokens/${issued.body.id}`, { token: customer.adminToken });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    // The admin's own token is untouched.
    expect((await api.request('GET', '/v1/tokens', { token: customer.adminToken })).status).toBe(200);
  });

  it('never lets a token mint one that outlives it', async () => {
    const customer = await createCustomer(api);
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const shortLived = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'short', expiresAt: soon } });
    expect(shortLived.status).toBe(201);
    const longer = await api.request('POST', '/v1/tokens', { token: shortLived.body.token, body: { name: 'longer', expiresAt: '2030-01-01T00:00:00Z' } });
    expectProblem(longer, 400, 'validation_failed');
    expect(problemFields(longer)).toEqual(['expiresAt']);
    const unbounded = await api.request('POST', '/v1/tokens', { token: shortLived.body.token, body: { name: 'no expiry given' } });
    expect(unbounded.status).toBe(201);
    expect(unbounded.body.expiresAt).toBe(shortLived.body.expiresAt);
  });

  it("lets the operator revoke a customer's leaked token without suspending the account", async () => {
    const customer = await createCustomer(api);
    const leaked = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'leaked' } });
    const revoked = await api.request('DELETE', `/v1/tokens/${leaked.body.id}`);
    expect(revoked.status).toBe(200);
    expectProblem(await api.request('GET', '/v1/users', { token: leaked.body.token }), 401, 'unauthenticated');
    expect((await api.request('GET', '/v1/users', { token: customer.adminToken })).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const customer = await createCustomer(api);
    const issued = await api.request('POST', '/v1/tokens', { token: customer.adminToken, body: { name: 'short', expiresAt: '2099-01-01T00:00:00Z' } });
    expect((await api.request('GET', '/v1/users', { token: issued.body.token })).status).toBe(200);
    await api.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [issued.body.id]);
    const res = await api.request('GET', '/v1/users', { token: issued.body.token });
    expectProblem(res, 401, 'unauthenticated');
    expect(res.body.detail).toMatch(/expired/);
  });

  it('answers 404 when revoking a token of another customer, and leaves it working', async () => {
    const a = await createCustomer(api);
    const b = await createCustomer(api);
    const res = await api.request('DELETE', `/v1/tokens/${b.adminTokenId}`, { token: a.adminToken });
    expectProblem(res, 404, 'not_found');
    expect((await api.request('GET', '/v1/users', { token: b.adminToken })).status).toBe(200);
    const [row] = await api.db.query('SELECT revoked_at FROM api_tokens WHERE id = $1', [b.adminTokenId]);
    expect(row.revoked_at).toBeNull();
  });

  it('will not issue a token for a user of another customer', async () => {
    const a = await createCustomer(api);
    const b = await createCustomer(api);
    const before = await snapshotTables(api.db);
    const res = await api.request('POST', '/v1/tokens', { token: a.adminToken, body: { name: 'steal', userId: b.adminId } });
    expectProblem(res, 404, 'not_found');
    expect(await snapshotTables(api.db)).toEqual(before);
  });
});

describe('users (customer admin)', () => {
  it('lists, creates, reads and deletes users of its own account', async () => {
    const customer = await createCustomer(api);
    const created = await api.request('POST', '/v1/users', { token: customer.adminToken, body: { name: 'Vic', email: email('vic'), role: 'viewer' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Vic', role: 'viewer', customerId: customer.id });
    const defaulted = await api.request('POST', '/v1/users', { token: customer.adminToken, body: { name: 'Dee', email: email('dee') } });
    expect(defaulted.body.role).toBe('viewer');

    const list = await api.request('GET', '/v1/users', { token: customer.adminToken });
    expect(list.body.items.map((u: { id: string }) => u.id).sort()).toEqual([customer.adminId, created.body.id, defaulted.body.id].sort());
    expect((await api.request('GET', `/v1/users/${created.body.id}`, { token: customer.adminToken })).body.email).toBe(created.body.email);

    expect((await api.request('DELETE', `/v1/users/${created.body.id}`, { token: customer.adminToken })).status).toBe(204);
    expectProblem(await api.request('GET', `/v1/users/${created.body.id}`, { token: customer.adminToken }), 404, 'not_found');
    const after = await api.request('GET', '/v1/users', { token: customer.adminToken });
    expect(after.body.items.map((u: { id: string }) => u.id)).not.toContain(created.body.id);
  });

  it("stops a deleted user's tokens", async () => {
    const customer = await createCustomer(api);
    const user = await createUser(api, customer.adminToken, 'admin');
    expect((await api.request('GET', '/v1/users', { token: user.token })).status).toBe(200);
    expect((await api.request('DELETE', `/v1/users/${user.id}`, { token: customer.adminToken })).status).toBe(204);
    expectProblem(await api.request('GET', '/v1/users', { token: user.token }), 401, 'unauthenticated');
    const [row] = await api.db.query('SELECT revoked_at FROM api_tokens WHERE id = $1', [user.tokenId]);
    expect(row.revoked_at).toBeInstanceOf(Date);
  });

  it('will not let an admin delete itself', async () => {
    const customer = await createCustomer(api);
    expectProblem(await api.request('DELETE', `/v1/users/${customer.adminId}`, { token: customer.adminToken }), 409, 'cannot_remove_self');
    expect((await api.request('GET', '/v1/users', { token: customer.adminToken })).status).toBe(200);
  });

  it('rejects a duplicate email within the account (any case) and allows it in another account', async () => {
    const a = await createCustomer(api);
    const b = await createCustomer(api);
    const address = email('same');
    expect((await api.request('POST', '/v1/users', { token: a.adminToken, body: { name: 'One', email: address } })).status).toBe(201);
    const before = await snapshotTables(api.db);
    const dup = await api.request('POST', '/v1/users', { token: a.adminToken, body: { name: 'Two', email: address.toUpperCase() } });
    expectProblem(dup, 409, 'duplicate_email');
    expect(problemFields(dup)).toEqual(['email']);
    expect(await snapshotTables(api.db)).toEqual(before);
    expect((await api.request('POST', '/v1/users', { token: b.adminToken, body: { name: 'Three', email: address } })).status).toBe(201);
  });
});

describe('viewers are read-only', () => {
  it('reads users and its own tokens, and gets 403 on every write without changing anything', async () => {
    const customer = await createCustomer(api);
    const viewer = await createUser(api, customer.adminToken, 'viewer');

    expect((await api.request('GET', '/v1/users', { token: viewer.token })).status).toBe(200);
    expect((await api.request('GET', `/v1/users/${customer.adminId}`, { token: viewer.token })).status).toBe(200);
    const tokens = await api.request('GET', '/v1/tokens', { token: viewer.token });
    expect(tokens.status).toBe(200);
    expect(tokens.body.items.map((t: { id: string }) => t.id)).toEqual([viewer.tokenId]);

    const before = await snapshotTables(api.db);
    const writes: [string, string, unknown?][] = [
      ['POST', '/v1/users', { name: 'Eve', email: email('eve'), role: 'admin' }],
      ['DELETE', `/v1/users/${customer.adminId}`],
      ['POST', '/v1/tokens', { name: 'mine' }],
      ['DELETE', `/v1/tokens/${customer.adminTokenId}`],
      ['DELETE', `/v1/tokens/${viewer.tokenId}`],
    ];
    for (const [method, url, body] of writes) {
      expectProblem(await api.request(method, url, { token: viewer.token, body }), 403, 'forbidden');
    }
    expect(await snapshotTables(api.db)).toEqual(before);
  });
});

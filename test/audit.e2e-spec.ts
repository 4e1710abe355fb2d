import { randomUUID } from 'node:crypto';
import { AuditService } from '@carve/audit';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createUser, customerName, email, hostBody, TestCustomer } from './support/fixtures';
import { expectProblem, problemFields } from './support/problem-assertions';

interface EventView {
  id: string;
  customerId: string | null;
  actorUserId: string | null;
  actorTokenId: string | null;
  actor: { kind: 'operator' | 'customer' | 'carve'; userId?: string; tokenId?: string };
  action: string;
  objectType: string;
  objectId: string | null;
  details: Record<string, unknown>;
  requestId: string | null;
  createdAt: string;
}

let api: ApiHarness;
let operator: { userId: string; tokenId: string };
beforeAll(async () => {
  api = await startApiHarness();
  const prefix = api.operatorToken.slice(6, 14);
  const [row] = (await api.db.query('SELECT id, user_id FROM api_tokens WHERE prefix = $1', [prefix])) as { id: string; user_id: string }[];
  operator = { userId: row!.user_id, tokenId: row!.id };
});
afterAll(() => api.close());

async function events(query: string, token?: string): Promise<EventView[]> {
  const res = await api.request('GET', `/v1/audit-events?limit=100&${query}`, { token });
  expect(res.status).toBe(200);
  return res.body.items as EventView[];
}

async function auditRowCount(): Promise<number> {
  const rows: { count: string }[] = await api.db.query('SELECT count(*) FROM audit_events');
  return Number(rows[0]!.count);
}

describe('audit trail (operator)', () => {
  it('records a customer creation with who, what, which object, the tenant and the request id', async () => {
    const name = customerName();
    const created = await api.request('POST', '/v1/customers', { body: { name, adminName: 'Ada', adminEmail: email('ada') } });
    expect(created.status).toBe(201);
    const [event, ...more] = await events(`objectId=${created.body.id}`);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      action: 'customers.create',
      objectType: 'customer',
      objectId: created.body.id,
      customerId: created.body.id,
      actorUserId: operator.userId,
      actorTokenId: operator.tokenId,
      requestId: created.headers['x-request-id'],
      details: { name, adminName: 'Ada' },
    });
  });

  it('records a host registration as operator-only, and a token issued to a customer without the secret', async () => {
    const host = await api.request('POST', '/v1/hosts', { body: hostBody() });
    expect(host.status).toBe(201);
    const [registered] = await events(`objectId=${host.body.id}`);
    expect(registered).toMatchObject({ action: 'hosts.register', objectType: 'host', customerId: null, actorUserId: operator.userId });
    expect(registered!.details).toMatchObject({ name: host.body.name, hostKeyFingerprint: host.body.hostKeyFingerprint });

    const customer = await createCustomer(api);
    const [issued] = await events(`objectId=${customer.id}&action=customers.issueToken`);
    // The route acts on the customer; the token it made is kept as the result.
    expect(issued).toMatchObject({ objectType: 'customer', customerId: customer.id, details: { name: 'test', resultId: customer.adminTokenId } });
    expect(JSON.stringify(issued)).not.toContain(customer.adminToken);
  });

  it('records updates and deletions by the :id parameter', async () => {
    const host = await api.request('POST', '/v1/hosts', { body: hostBody() });
    await api.request('PATCH', `/v1/hosts/${host.body.id}`, { body: { status: 'draining' } });
    const removed = await api.request('DELETE', `/v1/hosts/${host.body.id}`);
    expect(removed.status).toBe(204);
    const trail = await events(`objectId=${host.body.id}`);
    expect(trail.map((e) => e.action)).toEqual(['hosts.remove', 'hosts.update', 'hosts.register']);
    expect(trail[1]!.details).toEqual({ status: 'draining' });
  });

  it('filters by customer, object type, action and actor, newest first, and pages', async () => {
    const customer = await createCustomer(api);
    const user = await createUser(api, customer.adminToken, 'admin');
    for (const name of ['one', 'two', 'three']) {
      expect((await api.request('POST', '/v1/tokens', { token: user.token, body: { name } })).status).toBe(201);
    }
    const byUser = await events(`actorUserId=${user.id}&objectType=token&action=tokens.create`);
    expect(byUser.map((e) => e.details.name)).toEqual(['three', 'two', 'one']);
    expect(byUser.every((e) => e.customerId === customer.id && e.actorTokenId === user.tokenId)).toBe(true);

    const ofCustomer = await events(`customerId=${customer.id}`);
    expect(ofCustomer.map((e) => e.action)).toEqual([
      'tokens.create',
      'tokens.create',
      'tokens.create',
      'tokens.create',
      'users.create',
      'customers.issueToken',
      'customers.create',
    ]);

    const first = await api.request('GET', `/v1/audit-events?customerId=${customer.id}&limit=4`);
    expect(first.body.items).toHaveLength(4);
    const second = await api.request('GET', `/v1/audit-events?customerId=${customer.id}&limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(3);
    expect(second.body.nextCursor).toBeNull();
    expect([...first.body.items, ...second.body.items].map((e: EventView) => e.id)).toEqual(ofCustomer.map((e) => e.id));
  });

  it('rejects malformed filters with 400 naming the query field', async () => {
    const res = await api.request('GET', '/v1/audit-events?objectId=nope&objectType=a%20b');
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res).sort()).toEqual(['query.objectId', 'query.objectType']);
  });
});

describe('audit trail (customer)', () => {
  let a: TestCustomer;
  let b: TestCustomer;
  let hostId: string;
  beforeAll(async () => {
    a = await createCustomer(api);
    b = await createCustomer(api);
    hostId = (await api.request('POST', '/v1/hosts', { body: hostBody() })).body.id;
    await api.request('POST', '/v1/tokens', { token: b.adminToken, body: { name: 'b-secret-work' } });
  });

  it("sees its own token creation, but not the operator's host registration nor another customer's events", async () => {
    const issued = await api.request('POST', '/v1/tokens', { token: a.adminToken, body: { name: 'ci' } });
    const mine = await events('', a.adminToken);
    expect(mine.find((e) => e.objectId === issued.body.id)).toMatchObject({ action: 'tokens.create', actorUserId: a.adminId, customerId: a.id });
    expect(mine.every((e) => e.customerId === a.id)).toBe(true);
    expect(mine.some((e) => e.objectId === hostId)).toBe(false);
    expect(mine.some((e) => e.details.name === 'b-secret-work')).toBe(false);
    // Its account's creation by the operator is about its own object.
    expect(mine.map((e) => e.action)).toContain('customers.create');
  });

  it("shows the operator as the operator, without its user or token, to admins and viewers alike", async () => {
    // The operator acts on the customer's objects: creates it, issues its token, suspends and reactivates it.
    await api.request('PATCH', `/v1/customers/${a.id}`, { body: { contactEmail: 'ops@a.example' } });
    const viewer = await createUser(api, a.adminToken, 'viewer');
    for (const token of [a.adminToken, viewer.token]) {
      const seen = await events(`customerId=${a.id}`, token);
      const byOperator = seen.filter((e) => ['customers.create', 'customers.issueToken', 'customers.update'].includes(e.action));
      expect(byOperator.map((e) => e.action).sort()).toEqual(['customers.create', 'customers.issueToken', 'customers.update']);
      for (const event of byOperator) {
        expect(event.actor).toEqual({ kind: 'operator' });
        expect(event).toMatchObject({ actorUserId: null, actorTokenId: null });
      }
      expect(JSON.stringify(seen)).not.toContain(operator.userId);
      expect(JSON.stringify(seen)).not.toContain(operator.tokenId);
      // Its own users stay named.
      const own = seen.find((e) => e.action === 'users.create' && e.objectId === viewer.id);
      expect(own).toMatchObject({ actor: { kind: 'customer', userId: a.adminId, tokenId: a.adminTokenId }, actorUserId: a.adminId, actorTokenId: a.adminTokenId });
    }
  });

  it('keeps every actor in full for the operator', async () => {
    const seen = await events(`customerId=${a.id}`);
    const created = seen.find((e) => e.action === 'customers.create');
    expect(created).toMatchObject({ actor: { kind: 'operator', userId: operator.userId, tokenId: operator.tokenId }, actorUserId: operator.userId, actorTokenId: operator.tokenId });
    const byAdmin = seen.find((e) => e.actorUserId === a.adminId);
    expect(byAdmin?.actor).toEqual({ kind: 'customer', userId: a.adminId, tokenId: a.adminTokenId });
  });

  it("gets nothing when filtering for another customer or an operator object", async () => {
    expect(await events(`customerId=${b.id}`, a.adminToken)).toEqual([]);
    expect(await events(`objectId=${hostId}`, a.adminToken)).toEqual([]);
  });

  it('is readable by viewers of the account', async () => {
    const viewer = await createUser(api, a.adminToken, 'viewer');
    const seen = await events('', viewer.token);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.customerId === a.id)).toBe(true);
  });
});

describe('audit trail: failures are not recorded', () => {
  it('records nothing for 4xx answers', async () => {
    const customer = await createCustomer(api);
    const viewer = await createUser(api, customer.adminToken, 'viewer');
    const taken = await api.request('POST', '/v1/hosts', { body: hostBody() });
    const before = await auditRowCount();

    expectProblem(await api.request('POST', '/v1/hosts', { body: hostBody({ cpuThreads: -1 }) }), 400, 'validation_failed');
    expectProblem(await api.request('POST', '/v1/hosts', { body: hostBody({ name: taken.body.name }) }), 409, 'duplicate_host_name');
    expectProblem(await api.request('POST', '/v1/tokens', { token: viewer.token, body: { name: 'x' } }), 403, 'forbidden');
    expectProblem(await api.request('POST', '/v1/hosts', { token: customer.adminToken, body: hostBody() }), 403, 'forbidden');
    expectProblem(await api.request('DELETE', '/v1/tokens/3d0d7c52-1f7a-4d55-8d0e-2a9bb1c0a001', { token: customer.adminToken }), 404, 'not_found');
    expectProblem(await api.request('POST', '/v1/customers', { token: null, body: {} }), 401, 'unauthenticated');

    expect(await auditRowCount()).toBe(before);
  });
});

describe('AuditService', () => {
  it('pages through events written in the same millisecond without losing or repeating one', async () => {
    const audit = api.app.get(AuditService);
    const objectId = randomUUID();
    // Concurrent writes: several land in one millisecond, some on a page boundary.
    const written = await Promise.all(
      Array.from({ length: 30 }, (_, i) => audit.record({ actor: null, action: 'test.burst', objectType: 'test', objectId, customerId: null, details: { i } })),
    );
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await api.request('GET', `/v1/audit-events?objectId=${objectId}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((e: EventView) => e.id));
      cursor = res.body.nextCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen)).toEqual(new Set(written.map((e) => e.id)));
    const [one] = await events(`objectId=${objectId}`);
    expect(one).toMatchObject({ actor: { kind: 'carve' }, actorUserId: null, actorTokenId: null });
  });

  it('writes with the caller transaction: a rolled back change leaves no event', async () => {
    const audit = api.app.get(AuditService);
    const objectId = randomUUID();
    await expect(
      api.db.transaction(async (manager) => {
        await audit.record({ actor: null, action: 'test.rollback', objectType: 'test', objectId, customerId: null }, manager);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await audit.record({ actor: null, action: 'test.commit', objectType: 'test', objectId, customerId: null, details: { token: 'never', note: 'kept' } });
    const rows: { action: string; details: unknown }[] = await api.db.query('SELECT action, details FROM audit_events WHERE object_id = $1', [objectId]);
    expect(rows).toEqual([{ action: 'test.commit', details: { note: 'kept' } }]);
  });
});

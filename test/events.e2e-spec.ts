// GET /v1/events across tenants, and the first events carve raises: a shared pool's
// transfer this month reaching 80% and 100% of its allowance, with the pool's detail
// showing the same month (GET /v1/pools/:id transfer).
import { randomUUID } from 'node:crypto';
import { EventService } from '@carve/events';
import { MeteringPartitions, TransferAlerts } from '@carve/metering';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createHost, TestCustomer } from './support/fixtures';
import { expectProblem, problemFields } from './support/problem-assertions';

let api: ApiHarness;
let a: TestCustomer;
let b: TestCustomer;

beforeAll(async () => {
  api = await startApiHarness();
  a = await createCustomer(api);
  b = await createCustomer(api);
});
afterAll(() => api.close());

async function listAll(token: string, query = ''): Promise<{ id: string; customerId: string | null; kind: string; subjectId: string; data: Record<string, unknown> }[]> {
  const items = [];
  let cursor: string | null = null;
  do {
    const res = await api.request('GET', `/v1/events?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('GET /v1/events', () => {
  it('shows a customer its own events only, the operator every one (operator-only too), filtered by customer and kind', async () => {
    const events = api.app.get(EventService, { strict: false });
    const subject = randomUUID();
    const raise = (customerId: string | null, kind: 'pool.transfer.80' | 'pool.transfer.100') =>
      events.raise({ customerId, kind, subjectType: 'pool', subjectId: subject, data: { month: '2026-11', usedBytes: 1, allowanceBytes: 1, percent: 100 } });
    for (const [owner, kind] of [[a.id, 'pool.transfer.80'], [b.id, 'pool.transfer.80'], [null, 'pool.transfer.100'], [a.id, 'pool.transfer.100'], [a.id, 'pool.transfer.80']] as const) {
      expect(await raise(owner, kind)).toBe(true);
      // occurred_at has milliseconds: a step between events keeps "newest first" one order.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }

    const forA = (await listAll(a.adminToken)).filter((e) => e.subjectId === subject);
    expect(forA.map((e) => e.customerId)).toEqual([a.id, a.id, a.id]);
    // Newest first.
    expect(forA.map((e) => e.kind)).toEqual(['pool.transfer.80', 'pool.transfer.100', 'pool.transfer.80']);
    expect(forA[0]).toEqual({
      id: expect.any(String),
      customerId: a.id,
      kind: 'pool.transfer.80',
      subjectType: 'pool',
      subjectId: subject,
      data: { month: '2026-11', usedBytes: 1, allowanceBytes: 1, percent: 100 },
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect((await listAll(b.adminToken)).filter((e) => e.subjectId === subject).map((e) => e.customerId)).toEqual([b.id]);

    const forOperator = (await listAll(api.operatorToken)).filter((e) => e.subjectId === subject);
    expect(forOperator.map((e) => e.customerId)).toEqual([a.id, a.id, null, b.id, a.id]);
    expect((await listAll(api.operatorToken, `&customerId=${b.id}`)).filter((e) => e.subjectId === subject).map((e) => e.customerId)).toEqual([b.id]);
    expect((await listAll(api.operatorToken, '&kind=pool.transfer.100')).filter((e) => e.subjectId === subject).map((e) => e.customerId)).toEqual([a.id, null]);
    expect((await listAll(a.adminToken, '&kind=pool.transfer.100')).filter((e) => e.subjectId === subject).map((e) => e.customerId)).toEqual([a.id]);
  });

  it('refuses a customerId from a customer, an unknown kind and a foreign cursor', async () => {
    const own = await api.request('GET', `/v1/events?customerId=${b.id}`, { token: a.adminToken });
    expectProblem(own, 400, 'validation_failed');
    expect(problemFields(own)).toEqual(['query.customerId']);
    const kind = await api.request('GET', '/v1/events?kind=pool.exploded', { token: a.adminToken });
    expectProblem(kind, 400, 'validation_failed');
    expect(problemFields(kind)).toEqual(['query.kind']);
    expectProblem(await api.request('GET', '/v1/events?cursor=bm9wZQ', { token: a.adminToken }), 400, 'validation_failed');
  });
});

describe('pooled transfer', () => {
  const GB = 1_000_000_000;

  /** An hourly rollup row as ingest leaves it: what one server sent (and received) in one bucket on one host. */
  async function usage(row: { serverId: string; hostId: string; customerId: string; poolId: string; bucketStart: Date; outBytes: number }): Promise<void> {
    await api.db.query(
      `INSERT INTO usage_1h (server_id, host_id, customer_id, pool_id, bucket_start, cpu_ms, read_requests, write_requests, read_bytes, write_bytes, oo_requests,
                             net_out_bytes, net_in_bytes, read_ticks_ms, write_ticks_ms, queue_ticks_ms, covered_ms, estimated_ms, memory_mib_ms)
       VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, 0, 0, $6, $7, 0, 0, 0, 3600000, 0, 0)`,
      [row.serverId, row.hostId, row.customerId, row.poolId, row.bucketStart, row.outBytes, row.outBytes * 3],
    );
  }

  async function sharedPool(customer: TestCustomer, transferGB: number): Promise<string> {
    const pool = await api.request('POST', '/v1/pools', { token: customer.adminToken, body: { name: `p-${randomUUID().slice(0, 8)}`, kind: 'shared', memoryMiB: 1024, vcpus: 1, diskGiB: 10, transferGB } });
    expect(pool.status).toBe(201);
    return pool.body.id;
  }

  it('raises 80% and 100% once each for the pool, shown to its customer and to no other, with GET /v1/pools/:id agreeing', async () => {
    for (const customer of [a, b]) {
      expect((await api.request('PUT', `/v1/customers/${customer.id}/pool-ceiling`, { body: { memoryMiB: 8192, vcpus: 8, diskGiB: 200, transferGB: 1000 } })).status).toBe(200);
    }
    const poolId = await sharedPool(a, 10);
    const bPool = await sharedPool(b, 10);
    const [h1, h2] = [(await createHost(api)).id, (await createHost(api)).id];
    const [s1, s2] = [randomUUID(), randomUUID()];
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const lastHour = new Date(monthStart.getTime() - 3_600_000);
    await new MeteringPartitions(api.db, api.config).ensure(lastHour, now);
    const alerts = api.app.get(TransferAlerts, { strict: false });
    const ofPool = (id: string, kinds: { customerId: string | null; kind: string; subjectId: string }[]) => kinds.filter((e) => e.subjectId === id);

    // Last month's transfer and another customer's pool count for nothing here.
    await usage({ serverId: s1, hostId: h1, customerId: a.id, poolId, bucketStart: lastHour, outBytes: 50 * GB });
    await usage({ serverId: randomUUID(), hostId: h1, customerId: b.id, poolId: bPool, bucketStart: monthStart, outBytes: 3 * GB });
    // 85%: s1 on h1 and s2 on h2.
    await usage({ serverId: s1, hostId: h1, customerId: a.id, poolId, bucketStart: monthStart, outBytes: 5 * GB });
    await usage({ serverId: s2, hostId: h2, customerId: a.id, poolId, bucketStart: monthStart, outBytes: 3.5 * GB });
    const first = await alerts.check(new Date());
    expect(first.raised.filter((r) => r.poolId === poolId || r.poolId === bPool)).toEqual([{ poolId, kind: 'pool.transfer.80' }]);

    // 102%: s1 moved to h2 and sent more there.
    await usage({ serverId: s1, hostId: h2, customerId: a.id, poolId, bucketStart: monthStart, outBytes: 1.7 * GB });
    const second = await alerts.check(new Date());
    expect(second.raised.filter((r) => r.poolId === poolId || r.poolId === bPool)).toEqual([{ poolId, kind: 'pool.transfer.100' }]);
    expect((await alerts.check(new Date())).raised.filter((r) => r.poolId === poolId)).toEqual([]);

    const month = monthStart.toISOString().slice(0, 7);
    const seenByA = ofPool(poolId, await listAll(a.adminToken));
    expect(seenByA.map((e) => e.kind).sort()).toEqual(['pool.transfer.100', 'pool.transfer.80']);
    expect(seenByA.find((e) => e.kind === 'pool.transfer.80')).toMatchObject({ customerId: a.id, subjectType: 'pool', data: { month, usedBytes: 8.5 * GB, allowanceBytes: 10 * GB, percent: 85 } });
    expect(seenByA.find((e) => e.kind === 'pool.transfer.100')).toMatchObject({ customerId: a.id, subjectType: 'pool', data: { month, usedBytes: 10.2 * GB, allowanceBytes: 10 * GB, percent: 102 } });
    const [{ count }] = await api.db.query(`SELECT count(*)::int AS count FROM events WHERE subject_id = $1`, [poolId]);
    expect(count).toBe(2);
    expect(ofPool(poolId, await listAll(b.adminToken))).toEqual([]);
    expect(ofPool(bPool, await listAll(a.adminToken))).toEqual([]);
    expect(ofPool(poolId, await listAll(api.operatorToken, `&customerId=${a.id}`))).toHaveLength(2);

    const before = Date.now();
    const got = await api.request('GET', `/v1/pools/${poolId}`, { token: a.adminToken });
    const after = Date.now();
    expect(got.status).toBe(200);
    expect(got.body.transfer).toEqual({ month, usedBytes: 10.2 * GB, usedGB: 10.2, allowanceGB: 10, percent: 102, projectedGB: expect.any(Number) });
    // used / elapsed seconds x the month's seconds, somewhere between the request's start and end.
    const monthMs = Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 1) - monthStart.getTime();
    const projected = (at: number) => (10.2 * GB * monthMs) / Math.max(1, at - monthStart.getTime()) / GB;
    expect(got.body.transfer.projectedGB).toBeGreaterThanOrEqual(projected(after) - 0.001);
    expect(got.body.transfer.projectedGB).toBeLessThanOrEqual(projected(before) + 0.001);
    expect((await api.request('GET', `/v1/pools/${poolId}`)).body.transfer).toEqual(got.body.transfer);
    expectProblem(await api.request('GET', `/v1/pools/${poolId}`, { token: b.adminToken }), 404, 'not_found');
    expect((await api.request('GET', `/v1/pools/${bPool}`, { token: b.adminToken })).body.transfer).toMatchObject({ usedBytes: 3 * GB, percent: 30 });
  });

  it("shows a dedicated pool's transfer against its host's allowance", async () => {
    const host = await createHost(api, { dedicatedCustomerId: a.id, transferAllowanceGB: 20000 });
    const pool = await api.request('POST', '/v1/pools', { token: a.adminToken, body: { name: `d-${randomUUID().slice(0, 8)}`, kind: 'dedicated', hostId: host.id } });
    expect(pool.status).toBe(201);
    const got = await api.request('GET', `/v1/pools/${pool.body.id}`, { token: a.adminToken });
    expect(got.body.transfer).toMatchObject({ usedBytes: 0, usedGB: 0, allowanceGB: 20000, percent: 0, projectedGB: 0 });
  });
});

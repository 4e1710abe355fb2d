import { allocatableMemoryMiB } from '@carve/inventory';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createHost, createUser, TestCustomer, TestUser } from './support/fixtures';
import { expectProblem, problemFields } from './support/problem-assertions';


let api: ApiHarness;
let acme: TestCustomer;
let globex: TestCustomer;
let viewer: TestUser;
let counter = 0;

const CEILING = { memoryMiB: 16384, vcpus: 16, diskGiB: 500, transferGB: 5000 };

beforeAll(async () => {
  api = await startApiHarness();
  acme = await createCustomer(api);
  globex = await createCustomer(api);
  viewer = await createUser(api, acme.adminToken, 'viewer');
  for (const c of [acme, globex]) {
    const res = await api.request('PUT', `/v1/customers/${c.id}/pool-ceiling`, { body: CEILING });
    expect(res.status).toBe(200);
  }
});
afterAll(() => api.close());

function shared(overrides: Record<string, unknown> = {}) {
  return { name: `pool-${counter++}`, kind: 'shared', memoryMiB: 1024, vcpus: 1, diskGiB: 10, transferGB: 100, ...overrides };
}

async function createPool(token: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const res = await api.request('POST', '/v1/pools', { token, body: shared(overrides) });
  if (res.status !== 201) throw new Error(`creating pool failed: ${res.status} ${res.text}`);
  return res.body;
}

async function deleteAllPools(customer: TestCustomer): Promise<void> {
  await api.db.query('DELETE FROM servers WHERE customer_id = $1', [customer.id]);
  await api.db.query('DELETE FROM pools WHERE customer_id = $1', [customer.id]);
}

/** Every pool, size change and ceiling row, to prove a refused request changed nothing. */
async function poolTables(): Promise<unknown[][]> {
  return Promise.all([
    api.db.query('SELECT * FROM pools ORDER BY id'),
    api.db.query('SELECT * FROM pool_size_changes ORDER BY id'),
    api.db.query('SELECT * FROM customer_pool_ceilings ORDER BY customer_id'),
  ]);
}

describe('ceilings', () => {
  it('is zero until set, then what the operator set, with what shared pools use', async () => {
    const fresh = await createCustomer(api);
    const before = await api.request('GET', `/v1/customers/${fresh.id}/pool-ceiling`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ customerId: fresh.id, memoryMiB: 0, vcpus: 0, diskGiB: 0, transferGB: 0, used: { memoryMiB: 0, vcpus: 0, diskGiB: 0, transferGB: 0 }, updatedAt: null });

    const set = await api.request('PUT', `/v1/customers/${fresh.id}/pool-ceiling`, { body: CEILING });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ customerId: fresh.id, ...CEILING });
    await createPool(fresh.adminToken, { memoryMiB: 2048, vcpus: 2, diskGiB: 20, transferGB: 200 });
    const after = await api.request('GET', `/v1/customers/${fresh.id}/pool-ceiling`);
    expect(after.body).toMatchObject({ ...CEILING, used: { memoryMiB: 2048, vcpus: 2, diskGiB: 20, transferGB: 200 }, updatedAt: expect.any(String) });

    // The customer reads its own ceiling (never another's: the token decides whose); operators use the per-customer route.
    const own = await api.request('GET', '/v1/pool-ceiling', { token: fresh.adminToken });
    expect(own.body).toEqual(after.body);
    expectProblem(await api.request('GET', '/v1/pool-ceiling'), 403, 'forbidden');
  });

  it('without a ceiling, a shared pool is refused with a hint to ask the provider', async () => {
    const fresh = await createCustomer(api);
    const before = await poolTables();
    const res = await api.request('POST', '/v1/pools', { token: fresh.adminToken, body: shared() });
    const problem = expectProblem(res, 409, 'pool_ceiling_exceeded');
    expect(problem.detail).toContain('ask your provider to set one');
    expect(problem).toMatchObject({ resource: 'memoryMiB', requested: 1024, available: 0 });
    expect(await poolTables()).toEqual(before);
  });

  it('cannot be lowered below what the shared pools add up to (409 naming the resource)', async () => {
    const fresh = await createCustomer(api);
    await api.request('PUT', `/v1/customers/${fresh.id}/pool-ceiling`, { body: CEILING });
    await createPool(fresh.adminToken, { memoryMiB: 8192, vcpus: 4 });
    const res = await api.request('PUT', `/v1/customers/${fresh.id}/pool-ceiling`, { body: { ...CEILING, memoryMiB: 4096 } });
    const problem = expectProblem(res, 409, 'ceiling_below_pools');
    expect(problem).toMatchObject({ resource: 'memoryMiB', requested: 4096, inUse: 8192 });
    expect(problem.detail).toContain('memory');
    const [row] = await api.db.query('SELECT memory_mib FROM customer_pool_ceilings WHERE customer_id = $1', [fresh.id]);
    expect(row.memory_mib).toBe(CEILING.memoryMiB);
    // Down to exactly what is used is fine.
    expect((await api.request('PUT', `/v1/customers/${fresh.id}/pool-ceiling`, { body: { ...CEILING, memoryMiB: 8192 } })).status).toBe(200);
  });

  it('holds under concurrent creates: ten pools of a quarter of the ceiling at once, exactly four fit', async () => {
    const fresh = await createCustomer(api);
    await api.request('PUT', `/v1/customers/${fresh.id}/pool-ceiling`, { body: CEILING });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.request('POST', '/v1/pools', { token: fresh.adminToken, body: shared({ memoryMiB: CEILING.memoryMiB / 4 }) })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((r) => r.status === 409)) expectProblem(r, 409, 'pool_ceiling_exceeded');
    const [sum] = await api.db.query('SELECT sum(memory_mib)::int AS memory FROM pools WHERE customer_id = $1', [fresh.id]);
    expect(sum.memory).toBe(CEILING.memoryMiB);
  });

  it('is for operators only, answers 404 for an unknown customer and validates the body', async () => {
    expectProblem(await api.request('GET', `/v1/customers/${acme.id}/pool-ceiling`, { token: acme.adminToken }), 403, 'forbidden');
    expectProblem(await api.request('PUT', `/v1/customers/${acme.id}/pool-ceiling`, { token: acme.adminToken, body: CEILING }), 403, 'forbidden');
    const missing = '6f1c1a52-8c3e-4c43-9a57-0d7e6b0a1f00';
    expectProblem(await api.request('GET', `/v1/customers/${missing}/pool-ceiling`), 404, 'not_found');
    expectProblem(await api.request('PUT', `/v1/customers/${missing}/pool-ceiling`, { body: CEILING }), 404, 'not_found');
    const bad = await api.request('PUT', `/v1/customers/${acme.id}/pool-ceiling`, { body: { memoryMiB: -1, vcpus: 1.5, diskGiB: 'x' } });
    expectProblem(bad, 400, 'validation_failed');
    expect(new Set(problemFields(bad))).toEqual(new Set(['memoryMiB', 'vcpus', 'diskGiB', 'transferGB']));
  });
});

describe('shared pools, as a customer', () => {
  beforeEach(() => deleteAllPools(acme));

  it('creates, reads with size / allocated / free, lists, renames and resizes, deletes', async () => {
    const created = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ name: 'web', memoryMiB: 4096, vcpus: 4, diskGiB: 100, transferGB: 1000 }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      customerId: acme.id,
      name: 'web',
      kind: 'shared',
      hostId: null,
      memoryMiB: { size: 4096, allocated: 0, free: 4096 },
      vcpus: { size: 4, allocated: 0, free: 4 },
      diskGiB: { size: 100, allocated: 0, free: 100 },
      transferGB: 1000,
      serverCount: 0,
    });
    const id = created.body.id;

    const got = await api.request('GET', `/v1/pools/${id}`, { token: viewer.token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ ...created.body, servers: [], transfer: { month: expect.any(String), usedBytes: 0, usedGB: 0, allowanceGB: 1000, percent: 0, projectedGB: 0 } });

    const list = await api.request('GET', '/v1/pools', { token: acme.adminToken });
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([id]);

    const patched = await api.request('PATCH', `/v1/pools/${id}`, { token: acme.adminToken, body: { name: 'web-eu', memoryMiB: 8192 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'web-eu', memoryMiB: { size: 8192, allocated: 0, free: 8192 }, vcpus: { size: 4 } });

    const removed = await api.request('DELETE', `/v1/pools/${id}`, { token: acme.adminToken });
    expect(removed.status).toBe(204);
    expectProblem(await api.request('GET', `/v1/pools/${id}`, { token: acme.adminToken }), 404, 'not_found');
    expect((await api.request('GET', '/v1/pools', { token: acme.adminToken })).body.items).toEqual([]);
    // The row and its size history stay for billing; a zero-size row marks when the pool ended.
    const [row] = await api.db.query('SELECT deleted_at FROM pools WHERE id = $1', [id]);
    expect(row.deleted_at).toEqual(expect.any(Date));
    const history = await api.db.query('SELECT memory_mib, vcpus, disk_gib, transfer_gb FROM pool_size_changes WHERE pool_id = $1 ORDER BY effective_at', [id]);
    expect(history[history.length - 1]).toEqual({ memory_mib: 0, vcpus: 0, disk_gib: 0, transfer_gb: 0 });
    // The name is free again.
    expect((await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ name: 'web-eu' }) })).status).toBe(201);
  });

  it('records every size change with its time and who made it; a rename alone is not a size change', async () => {
    const t0 = Date.now();
    const pool = await createPool(acme.adminToken, { memoryMiB: 2048 });
    await api.request('PATCH', `/v1/pools/${pool.id}`, { token: acme.adminToken, body: { diskGiB: 40 } });
    await api.request('PATCH', `/v1/pools/${pool.id}`, { token: acme.adminToken, body: { name: 'renamed' } });
    const rows = await api.db.query(
      'SELECT customer_id, memory_mib, disk_gib, vcpus, transfer_gb, effective_at, changed_by_user_id FROM pool_size_changes WHERE pool_id = $1 ORDER BY effective_at, disk_gib',
      [pool.id],
    );
    expect(rows).toEqual([
      { customer_id: acme.id, memory_mib: 2048, disk_gib: 10, vcpus: 1, transfer_gb: 100, effective_at: expect.any(Date), changed_by_user_id: acme.adminId },
      { customer_id: acme.id, memory_mib: 2048, disk_gib: 40, vcpus: 1, transfer_gb: 100, effective_at: expect.any(Date), changed_by_user_id: acme.adminId },
    ]);
    expect(rows[0].effective_at.getTime()).toBeGreaterThanOrEqual(t0 - 1000);
    expect(rows[1].effective_at.getTime()).toBeGreaterThanOrEqual(rows[0].effective_at.getTime());

    const history = await api.request('GET', `/v1/pools/${pool.id}/size-changes`, { token: viewer.token });
    expect(history.status).toBe(200);
    expect(history.body.map((c: { diskGiB: number }) => c.diskGiB)).toEqual([10, 40]);
  });

  it('enforces the ceiling on create and on resize, counting the other shared pools', async () => {
    await createPool(acme.adminToken, { memoryMiB: 12288, vcpus: 8 });
    const before = await poolTables();
    const tooBig = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ memoryMiB: 8192 }) });
    const problem = expectProblem(tooBig, 409, 'pool_ceiling_exceeded');
    expect(problem).toMatchObject({ resource: 'memoryMiB', requested: 8192, available: 4096 });
    expect(problem.detail).toContain('memory: 8192 MiB requested, 4096 MiB available');
    expect(await poolTables()).toEqual(before);

    const second = await createPool(acme.adminToken, { memoryMiB: 4096 });
    const grow = await api.request('PATCH', `/v1/pools/${second.id}`, { token: acme.adminToken, body: { memoryMiB: 4097, vcpus: 9 } });
    const growProblem = expectProblem(grow, 409, 'pool_ceiling_exceeded');
    expect(growProblem).toMatchObject({ resource: 'memoryMiB', requested: 4097, available: 4096 });
    expect(growProblem.exceeded).toEqual([
      { resource: 'memoryMiB', requested: 4097, available: 4096 },
      { resource: 'vcpus', requested: 9, available: 8 },
    ]);
    // Exactly at the ceiling is fine.
    expect((await api.request('PATCH', `/v1/pools/${second.id}`, { token: acme.adminToken, body: { vcpus: 8 } })).status).toBe(200);
  });

  it('never shrinks below what servers use (409 naming the resource and the amount in use)', async () => {
    const pool = await createPool(acme.adminToken, { memoryMiB: 4096, vcpus: 4, diskGiB: 100 });
    // No servers exist yet: simulate what the allocator keeps for two of them.
    await api.db.query('UPDATE pools SET allocated_memory_mib = 3072, allocated_vcpus = 2, allocated_disk_gib = 60, server_count = 2 WHERE id = $1', [pool.id]);
    const before = await poolTables();
    const res = await api.request('PATCH', `/v1/pools/${pool.id}`, { token: acme.adminToken, body: { memoryMiB: 2048, diskGiB: 59 } });
    const problem = expectProblem(res, 409, 'pool_below_allocation');
    expect(problem).toMatchObject({ resource: 'memoryMiB', requested: 2048, inUse: 3072 });
    expect(problem.detail).toContain('memory: 3072 MiB in use');
    expect(problem.detail).toContain('disk: 60 GiB in use');
    expect(await poolTables()).toEqual(before);

    const got = await api.request('GET', `/v1/pools/${pool.id}`, { token: acme.adminToken });
    expect(got.body.memoryMiB).toEqual({ size: 4096, allocated: 3072, free: 1024 });
    // Down to exactly what is used is fine.
    expect((await api.request('PATCH', `/v1/pools/${pool.id}`, { token: acme.adminToken, body: { memoryMiB: 3072 } })).status).toBe(200);

    const del = await api.request('DELETE', `/v1/pools/${pool.id}`, { token: acme.adminToken });
    expect(expectProblem(del, 409, 'pool_in_use').detail).toContain('2 server');
  });

  it('lists its servers with their disk totals, and not deleted ones', async () => {
    const pool = await createPool(acme.adminToken);
    const host = await createHost(api);
    const [image] = await api.db.query(`INSERT INTO images (name, archive_path) VALUES ($1, '/var/lib/carve/images/debian-12.tar.gz') RETURNING id`, [`img-${counter++}`]);
    const server = async (name: string, state: string) => {
      const [row] = await api.db.query(
        `INSERT INTO servers (customer_id, pool_id, host_id, image_id, name, domain_name, state, memory_mib, max_memory_mib, vcpus, max_vcpus, ssh_public_keys)
         VALUES ($1, $2, $3, $4, $5, $5, $6, 512, 512, 1, 1, ARRAY['ssh-ed25519 AAAA']) RETURNING id`,
        [acme.id, pool.id, host.id, image.id, name, state],
      );
      return row.id as string;
    };
    const web = await server(`web-${counter++}`, 'running');
    await server(`old-${counter++}`, 'deleted');
    for (const [label, size, state] of [['root', 10, 'present'], ['data', 20, 'present'], ['gone', 5, 'removed']] as const) {
      await api.db.query(
        `INSERT INTO server_disks (server_id, customer_id, label, role, filesystem, size_gib, volume_name, position, state) VALUES ($1, $2, $3, 'data', 'ext4', $4, $3, 0, $5)`,
        [web, acme.id, label, size, state],
      );
    }
    const got = await api.request('GET', `/v1/pools/${pool.id}`, { token: acme.adminToken });
    expect(got.body.servers).toEqual([{ id: web, name: expect.any(String), state: 'running', memoryMiB: 512, vcpus: 1, diskGiB: 30 }]);
    const operatorView = await api.request('GET', `/v1/pools/${pool.id}`);
    expect(operatorView.body.servers).toEqual(got.body.servers);
    const del = await api.request('DELETE', `/v1/pools/${pool.id}`, { token: acme.adminToken });
    expectProblem(del, 409, 'pool_in_use');
  });

  it('rejects a duplicate name (case-insensitive), a customerId field and bad input', async () => {
    await createPool(acme.adminToken, { name: 'Backend' });
    expectProblem(await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ name: 'backend' }) }), 409, 'duplicate_pool_name');
    // The same name in another account is fine.
    expect((await api.request('POST', '/v1/pools', { token: globex.adminToken, body: shared({ name: 'backend' }) })).status).toBe(201);
    await deleteAllPools(globex);

    const before = await poolTables();
    const own = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ customerId: globex.id }) });
    expectProblem(own, 400, 'validation_failed');
    expect(problemFields(own)).toEqual(['customerId']);
    const listed = await api.request('GET', `/v1/pools?customerId=${globex.id}`, { token: acme.adminToken });
    expectProblem(listed, 400, 'validation_failed');
    expect(problemFields(listed)).toEqual(['query.customerId']);

    const missing = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: { name: 'x', kind: 'shared' } });
    expect(new Set(problemFields(missing))).toEqual(new Set(['memoryMiB', 'vcpus', 'diskGiB', 'transferGB']));
    const kind = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ kind: 'huge' }) });
    expect(problemFields(kind)).toEqual(['kind']);
    const zero = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ memoryMiB: 0, vcpus: -1, name: '$(reboot)' }) });
    expect(new Set(problemFields(zero))).toEqual(new Set(['memoryMiB', 'vcpus', 'name']));
    const extra = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ allocatedMemoryMiB: 0, hostId: globex.id }) });
    expect(problemFields(extra)).toEqual(['allocatedMemoryMiB']);
    const hostOnShared = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: shared({ hostId: globex.id }) });
    expect(problemFields(hostOnShared)).toEqual(['hostId']);
    const pool = await createPool(acme.adminToken);
    const nulls = await api.request('PATCH', `/v1/pools/${pool.id}`, { token: acme.adminToken, body: { memoryMiB: null } });
    expectProblem(nulls, 400, 'validation_failed');
    await api.db.query('DELETE FROM pools WHERE id = $1', [pool.id]);
    expect(await poolTables()).toEqual(before);
  });

  it('viewers read but cannot write (403)', async () => {
    const pool = await createPool(acme.adminToken);
    expect((await api.request('GET', '/v1/pools', { token: viewer.token })).status).toBe(200);
    expectProblem(await api.request('POST', '/v1/pools', { token: viewer.token, body: shared() }), 403, 'forbidden');
    expectProblem(await api.request('PATCH', `/v1/pools/${pool.id}`, { token: viewer.token, body: { name: 'x' } }), 403, 'forbidden');
    expectProblem(await api.request('DELETE', `/v1/pools/${pool.id}`, { token: viewer.token }), 403, 'forbidden');
  });
});

describe('tenancy', () => {
  it("answers 404 for another customer's pool on every pool route, and changes nothing", async () => {
    const pool = await createPool(globex.adminToken);
    const before = await poolTables();
    for (const [method, url, body] of [
      ['GET', `/v1/pools/${pool.id}`, undefined],
      ['GET', `/v1/pools/${pool.id}/size-changes`, undefined],
      ['PATCH', `/v1/pools/${pool.id}`, { name: 'mine' }],
      ['PATCH', `/v1/pools/${pool.id}`, { memoryMiB: 1 }],
      ['DELETE', `/v1/pools/${pool.id}`, undefined],
    ] as const) {
      expectProblem(await api.request(method, url, { token: acme.adminToken, body }), 404, 'not_found');
    }
    expect(await poolTables()).toEqual(before);
    const list = await api.request('GET', '/v1/pools?limit=100', { token: acme.adminToken });
    expect(list.body.items.every((p: { customerId: string }) => p.customerId === acme.id)).toBe(true);
  });
});

describe('operators', () => {
  it("create a pool for a customer, see every customer's pools, filter by customer, resize and delete", async () => {
    const mustName = await api.request('POST', '/v1/pools', { body: shared() });
    expectProblem(mustName, 400, 'validation_failed');
    expect(problemFields(mustName)).toEqual(['customerId']);
    const unknown = await api.request('POST', '/v1/pools', { body: shared({ customerId: '6f1c1a52-8c3e-4c43-9a57-0d7e6b0a1f00' }) });
    expect(problemFields(unknown)).toEqual(['customerId']);

    const created = await api.request('POST', '/v1/pools', { body: shared({ customerId: globex.id, name: 'by-operator' }) });
    expect(created.status).toBe(201);
    expect(created.body.customerId).toBe(globex.id);
    const [change] = await api.db.query('SELECT changed_by_user_id FROM pool_size_changes WHERE pool_id = $1', [created.body.id]);
    expect(change.changed_by_user_id).not.toBe(globex.adminId);
    expect(change.changed_by_user_id).toEqual(expect.any(String));
    const acmePool = await createPool(acme.adminToken);

    const all = await api.request('GET', '/v1/pools?limit=100');
    const ids = all.body.items.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining([created.body.id, acmePool.id]));
    const filtered = await api.request(`GET`, `/v1/pools?customerId=${globex.id}&limit=100`);
    expect(filtered.body.items.every((p: { customerId: string }) => p.customerId === globex.id)).toBe(true);
    expect(filtered.body.items.map((p: { id: string }) => p.id)).toContain(created.body.id);

    // The operator is held to the customer's ceiling too.
    expectProblem(await api.request('PATCH', `/v1/pools/${created.body.id}`, { body: { memoryMiB: 1_000_000 } }), 409, 'pool_ceiling_exceeded');
    expect((await api.request('PATCH', `/v1/pools/${acmePool.id}`, { body: { vcpus: 2 } })).status).toBe(200);
    expect((await api.request('DELETE', `/v1/pools/${created.body.id}`)).status).toBe(204);
  });

  it('pages the list newest first', async () => {
    const fresh = await createCustomer(api);
    await api.request('PUT', `/v1/customers/${fresh.id}/pool-ceiling`, { body: CEILING });
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await createPool(fresh.adminToken)).id);
    const first = await api.request('GET', '/v1/pools?limit=2', { token: fresh.adminToken });
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([made[2], made[1]]);
    const second = await api.request('GET', `/v1/pools?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: fresh.adminToken });
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: made[0] })], nextCursor: null });
  });
});

describe('dedicated pools', () => {
  it("take the whole capacity of a host dedicated to the customer and its transfer; one pool per host; cannot be resized", async () => {
    const host = await createHost(api, { dedicatedCustomerId: acme.id, totalMemoryMiB: 32768, dom0MemoryMiB: 2048, cpuThreads: 8, vcpuOvercommitRatio: '2', volumeGroupSizeGiB: 900, transferAllowanceGB: 30000 });
    const res = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: { name: `dedicated-${counter++}`, kind: 'dedicated', hostId: host.id } });
    expect(res.status).toBe(201);
    const memory = allocatableMemoryMiB({ totalMemoryMiB: 32768, dom0MemoryMiB: 2048 });
    expect(res.body).toMatchObject({
      kind: 'dedicated',
      hostId: host.id,
      customerId: acme.id,
      memoryMiB: { size: memory, allocated: 0, free: memory },
      vcpus: { size: 16, allocated: 0, free: 16 },
      diskGiB: { size: 900, allocated: 0, free: 900 },
      transferGB: 30000,
    });
    const [change] = await api.db.query('SELECT memory_mib, vcpus, disk_gib, transfer_gb FROM pool_size_changes WHERE pool_id = $1', [res.body.id]);
    expect(change).toEqual({ memory_mib: memory, vcpus: 16, disk_gib: 900, transfer_gb: 30000 });

    // Dedicated pools do not count against the shared ceiling.
    const ceiling = await api.request('GET', `/v1/customers/${acme.id}/pool-ceiling`);
    expect(ceiling.body.used.memoryMiB).toBeLessThan(memory);

    const again = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: { name: `dedicated-${counter++}`, kind: 'dedicated', hostId: host.id } });
    expectProblem(again, 409, 'host_already_pooled');

    const resize = await api.request('PATCH', `/v1/pools/${res.body.id}`, { token: acme.adminToken, body: { memoryMiB: 1024 } });
    expect(expectProblem(resize, 409, 'dedicated_pool_fixed_size').detail).toContain('follows');
    const rename = await api.request('PATCH', `/v1/pools/${res.body.id}`, { token: acme.adminToken, body: { name: 'metal' } });
    expect(rename.status).toBe(200);
    expect(rename.body.name).toBe('metal');
  });

  it('keeps a host with a dedicated pool with its customer: re-dedicating or sharing it is 409 until the pool is gone', async () => {
    const host = await createHost(api, { dedicatedCustomerId: acme.id });
    const pool = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: { name: `dedicated-${counter++}`, kind: 'dedicated', hostId: host.id } });
    expect(pool.status).toBe(201);
    for (const dedicatedCustomerId of [globex.id, null]) {
      const res = await api.request('PATCH', `/v1/hosts/${host.id}`, { body: { dedicatedCustomerId } });
      expectProblem(res, 409, 'host_has_dedicated_pool');
      expect(problemFields(res)).toEqual(['dedicatedCustomerId']);
    }
    expect((await api.request('GET', `/v1/hosts/${host.id}`)).body.dedicatedCustomerId).toBe(acme.id);
    expect((await api.request('DELETE', `/v1/pools/${pool.body.id}`, { token: acme.adminToken })).status).toBe(204);
    const moved = await api.request('PATCH', `/v1/hosts/${host.id}`, { body: { dedicatedCustomerId: globex.id } });
    expect(moved.status).toBe(200);
    expect(moved.body.dedicatedCustomerId).toBe(globex.id);
  });

  it("refuses a host dedicated to someone else, a shared host, an unknown host, and a host that is not active", async () => {
    const theirs = await createHost(api, { dedicatedCustomerId: globex.id });
    const sharedHost = await createHost(api);
    const draining = await createHost(api, { dedicatedCustomerId: acme.id, status: 'draining' });
    const before = await poolTables();
    for (const hostId of [theirs.id, sharedHost.id, '6f1c1a52-8c3e-4c43-9a57-0d7e6b0a1f00']) {
      const res = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: { name: `d-${counter++}`, kind: 'dedicated', hostId } });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toEqual(['hostId']);
    }
    const inactive = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: { name: `d-${counter++}`, kind: 'dedicated', hostId: draining.id } });
    expect(expectProblem(inactive, 409, 'host_not_active').detail).toContain('draining');
    const sizes = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: { name: 'd', kind: 'dedicated', hostId: draining.id, memoryMiB: 1 } });
    expect(problemFields(sizes)).toEqual(['memoryMiB']);
    const noHost = await api.request('POST', '/v1/pools', { token: acme.adminToken, body: { name: 'd', kind: 'dedicated' } });
    expect(problemFields(noHost)).toEqual(['hostId']);
    expect(await poolTables()).toEqual(before);
  });

  it('operators create one for the customer the host is dedicated to', async () => {
    const host = await createHost(api, { dedicatedCustomerId: globex.id });
    const wrong = await api.request('POST', '/v1/pools', { body: { name: 'metal', kind: 'dedicated', hostId: host.id, customerId: acme.id } });
    expectProblem(wrong, 400, 'validation_failed');
    const right = await api.request('POST', '/v1/pools', { body: { name: `metal-${counter++}`, kind: 'dedicated', hostId: host.id, customerId: globex.id } });
    expect(right.status).toBe(201);
    expect(right.body.customerId).toBe(globex.id);
  });
});

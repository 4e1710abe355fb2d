import { xenOverheadMiB } from '@carve/inventory';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createHost, hostBody } from './support/fixtures';
import { expectProblem, problemFields, snapshotTables } from './support/problem-assertions';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

describe('register, read, change, delete', () => {
  it('registers a host with defaults and stores exactly what was sent', async () => {
    const body = hostBody({ sshPort: undefined, location: undefined });
    const res = await api.request('POST', '/v1/hosts', { body });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...body,
      sshPort: 22,
      sshUser: 'root',
      vcpuOvercommitRatio: '4.00',
      location: null,
      status: 'active',
      dedicatedCustomerId: null,
      serverCount: 0,
    });
    // Internal bookkeeping is not part of the view.
    expect(res.body).not.toHaveProperty('version');
    expect(res.body).not.toHaveProperty('allocatedMemoryMiB');

    const [row] = await api.db.query('SELECT name, ssh_address, ssh_port, total_memory_mib, monthly_cost_minor, server_count FROM hosts WHERE id = $1', [res.body.id]);
    expect(row).toEqual({
      name: body.name,
      ssh_address: body.sshAddress,
      ssh_port: 22,
      total_memory_mib: 65536,
      monthly_cost_minor: '4900',
      server_count: 0,
    });

    const got = await api.request('GET', `/v1/hosts/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('patches fields and keeps the rest', async () => {
    const host = await createHost(api);
    const res = await api.request('PATCH', `/v1/hosts/${host.id}`, { body: { status: 'draining', location: null, cpuThreads: 32 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: host.id, name: host.name, status: 'draining', location: null, cpuThreads: 32 });
    const [row] = await api.db.query('SELECT status, location, cpu_threads FROM hosts WHERE id = $1', [host.id]);
    expect(row).toEqual({ status: 'draining', location: null, cpu_threads: 32 });
  });

  it('rejects a patch that would leave dom0 with all the memory, and changes nothing', async () => {
    const host = await createHost(api);
    const before = await snapshotTables(api.db);
    const res = await api.request('PATCH', `/v1/hosts/${host.id}`, { body: { totalMemoryMiB: 4096 } });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['dom0MemoryMiB']);
    expect(await snapshotTables(api.db)).toEqual(before);
  });

  it('rejects null for a field that cannot be empty', async () => {
    const host = await createHost(api);
    const res = await api.request('PATCH', `/v1/hosts/${host.id}`, { body: { name: null } });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toContain('name');
  });

  it('deletes an empty host', async () => {
    const host = await createHost(api);
    const res = await api.request('DELETE', `/v1/hosts/${host.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectProblem(await api.request('GET', `/v1/hosts/${host.id}`), 404, 'not_found');
    expect(await api.db.query('SELECT id FROM hosts WHERE id = $1', [host.id])).toEqual([]);
    expectProblem(await api.request('DELETE', `/v1/hosts/${host.id}`), 404, 'not_found');
  });

  it('refuses to delete a host with servers (409 saying why) and keeps it', async () => {
    const host = await createHost(api);
    // Servers do not exist yet: placement will maintain server_count; simulate two placed servers.
    await api.db.query('UPDATE hosts SET server_count = 2 WHERE id = $1', [host.id]);
    const res = await api.request('DELETE', `/v1/hosts/${host.id}`);
    const problem = expectProblem(res, 409, 'host_in_use');
    expect(problem.detail).toContain('2 server');
    expect(problem.serverCount).toBe(2);
    expect(await api.db.query('SELECT id FROM hosts WHERE id = $1', [host.id])).toEqual([{ id: host.id }]);
  });

  it('answers 404 for a host that does not exist on every host route', async () => {
    const missing = '6f1c1a52-8c3e-4c43-9a57-0d7e6b0a1f00';
    expectProblem(await api.request('GET', `/v1/hosts/${missing}`), 404, 'not_found');
    expectProblem(await api.request('GET', `/v1/hosts/${missing}/capacity`), 404, 'not_found');
    expectProblem(await api.request('PATCH', `/v1/hosts/${missing}`, { body: { status: 'retired' } }), 404, 'not_found');
    expectProblem(await api.request('DELETE', `/v1/hosts/${missing}`), 404, 'not_found');
  });
});

describe('capacity', () => {
  it('is total minus dom0_mem minus Xen overhead, the volume group, and threads x ratio, nothing allocated', async () => {
    const host = await createHost(api, { totalMemoryMiB: 65536, dom0MemoryMiB: 4096, cpuThreads: 16, vcpuOvercommitRatio: '1.5', volumeGroupSizeGiB: 1800 });
    const res = await api.request('GET', `/v1/hosts/${host.id}/capacity`);
    expect(res.status).toBe(200);
    // Xen keeps 1/128 of RAM for its frame table plus 64 MiB: 512 + 64 = 576 MiB of 64 GiB.
    expect(xenOverheadMiB(65536)).toBe(576);
    const allocatable = 65536 - 4096 - 576;
    expect(res.body).toEqual({
      memoryMiB: { total: allocatable, allocated: 0, free: allocatable, physicalMiB: 65536, dom0ReservedMiB: 4096, xenOverheadMiB: 576 },
      diskGiB: { total: 1800, allocated: 0, free: 1800 },
      vcpus: { total: 24, allocated: 0, free: 24, threads: 16, overcommitRatio: '1.50' },
    });
  });

  it('follows a patch and reflects what servers hold', async () => {
    const host = await createHost(api, { cpuThreads: 8, vcpuOvercommitRatio: '4' });
    await api.request('PATCH', `/v1/hosts/${host.id}`, { body: { totalMemoryMiB: 32768, dom0MemoryMiB: 2048 } });
    await api.db.query('UPDATE hosts SET allocated_memory_mib = 1024, allocated_disk_gib = 100, allocated_vcpus = 6, server_count = 1 WHERE id = $1', [host.id]);
    const res = await api.request('GET', `/v1/hosts/${host.id}/capacity`);
    const allocatable = 32768 - 2048 - (256 + 64);
    expect(res.body.memoryMiB).toMatchObject({ total: allocatable, allocated: 1024, free: allocatable - 1024 });
    expect(res.body.diskGiB).toEqual({ total: 1800, allocated: 100, free: 1700 });
    expect(res.body.vcpus).toMatchObject({ total: 32, allocated: 6, free: 26, overcommitRatio: '4.00' });
  });

  it('refuses to shrink a host below what its servers hold', async () => {
    const host = await createHost(api);
    await api.db.query('UPDATE hosts SET allocated_disk_gib = 500, allocated_vcpus = 40 WHERE id = $1', [host.id]);
    const before = await snapshotTables(api.db);
    const res = await api.request('PATCH', `/v1/hosts/${host.id}`, { body: { volumeGroupSizeGiB: 499, cpuThreads: 4 } });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res).sort()).toEqual(['cpuThreads', 'volumeGroupSizeGiB']);
    expect(await snapshotTables(api.db)).toEqual(before);
  });
});

describe('listing', () => {
  it('pages with limit and cursor, newest first, every host exactly once', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createHost(api, { location: 'pagination' })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/hosts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api.request('GET', url);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((h: { id: string }) => h.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(created));
    // Newest first: the five were created in order, so they come back reversed.
    expect(seen.filter((id) => created.includes(id))).toEqual([...created].reverse());
  });

  it('accepts a limit of 100 and rejects 0, 101 and non-integers naming query.limit', async () => {
    expect((await api.request('GET', '/v1/hosts?limit=100')).status).toBe(200);
    for (const limit of ['0', '101', '1000000', '2.5', 'abc', '-1']) {
      const res = await api.request('GET', `/v1/hosts?limit=${limit}`);
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toContain('query.limit');
    }
  });

  it('rejects a cursor it did not hand out', async () => {
    const res = await api.request('GET', '/v1/hosts?cursor=not-a-cursor');
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['query.cursor']);
  });

  it('filters by status and by dedicated customer', async () => {
    const customer = await createCustomer(api);
    const dedicated = await createHost(api, { dedicatedCustomerId: customer.id });
    const retired = await createHost(api, { status: 'retired' });

    const byCustomer = await api.request('GET', `/v1/hosts?dedicatedCustomerId=${customer.id}`);
    expect(byCustomer.body.items.map((h: { id: string }) => h.id)).toEqual([dedicated.id]);

    const byStatus = await api.request('GET', '/v1/hosts?status=retired&limit=100');
    const ids = byStatus.body.items.map((h: { id: string }) => h.id);
    expect(ids).toContain(retired.id);
    expect(byStatus.body.items.every((h: { status: string }) => h.status === 'retired')).toBe(true);

    const badStatus = await api.request('GET', '/v1/hosts?status=exploded');
    expectProblem(badStatus, 400, 'validation_failed');
    expect(problemFields(badStatus)).toEqual(['query.status']);
    const unknownFilter = await api.request('GET', '/v1/hosts?owner=x');
    expectProblem(unknownFilter, 400, 'validation_failed');
    expect(problemFields(unknownFilter)).toEqual(['query.owner']);
  });

  it('rejects a dedicated customer that does not exist', async () => {
    const before = await snapshotTables(api.db);
    const res = await api.request('POST', '/v1/hosts', { body: hostBody({ dedicatedCustomerId: '6f1c1a52-8c3e-4c43-9a57-0d7e6b0a1f00' }) });
    expectProblem(res, 400, 'validation_failed');
    expect(problemFields(res)).toEqual(['dedicatedCustomerId']);
    expect(await snapshotTables(api.db)).toEqual(before);
  });
});

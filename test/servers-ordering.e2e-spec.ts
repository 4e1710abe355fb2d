// Ordering rules checked when the order is taken (no worker runs here: jobs stay queued).
import { customerWithPool, orderBody, Stack, startStack, TenantWithPool } from './support/stack';

let stack: Stack;
let tenant: TenantWithPool;

beforeAll(async () => {
  stack = await startStack({ hosts: 2, worker: false });
  tenant = await customerWithPool(stack.api, { memoryMiB: 16384, vcpus: 8, diskGiB: 500 });
});
afterAll(() => stack.close());

async function counts(poolId: string) {
  const [pool] = await stack.api.db.query('SELECT allocated_memory_mib, allocated_vcpus, allocated_disk_gib, server_count FROM pools WHERE id = $1', [poolId]);
  const [servers] = await stack.api.db.query(`SELECT count(*)::int AS n FROM servers WHERE pool_id = $1 AND state <> 'deleted'`, [poolId]);
  const [hosts] = await stack.api.db.query('SELECT sum(allocated_memory_mib)::int AS mem, sum(server_count)::int AS n FROM hosts');
  return { pool, servers: servers.n as number, hostMemory: hosts.mem as number, hostServers: hosts.n as number };
}

it('takes an order: 202 with the pending server, its disks in boot order and the queued create job; pool and host reserve it', async () => {
  const t = await customerWithPool(stack.api, { memoryMiB: 4096, vcpus: 4, diskGiB: 100 });
  const res = await stack.api.request('POST', '/v1/servers', { token: t.token, body: orderBody(stack, t.poolId, { name: 'shop' }) });
  expect(res.status).toBe(202);
  expect(res.body.server).toMatchObject({ name: 'shop', state: 'pending', memoryMiB: 1024, maxMemoryMiB: 2048, vcpus: 1, maxVcpus: 2 });
  expect(res.body.server.disks.map((d: { label: string; device: string }) => `${d.label}:${d.device}`)).toEqual(['root:xvda', 'root2:xvdb', 'data:xvdc', 'swap:xvdd']);
  expect(res.body.server.disks[0].activeRoot).toBe(true);
  expect(res.body.job).toMatchObject({ type: 'server.create', status: 'queued', serverId: res.body.server.id });
  const after = await counts(t.poolId);
  expect(after.pool).toEqual({ allocated_memory_mib: 1024, allocated_vcpus: 1, allocated_disk_gib: 41, server_count: 1 });
});

it('refuses an order beyond the pool with 409 saying what is free', async () => {
  const before = await counts(tenant.poolId);
  const res = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { memoryMiB: 32768, maxMemoryMiB: 32768 }) });
  expect(res.status).toBe(409);
  expect(res.body.code).toBe('pool_exhausted');
  expect(res.body.detail).toMatch(/memory/i);
  expect(res.body.shortages).toEqual(expect.arrayContaining([expect.objectContaining({ resource: 'memoryMiB', requested: 32768 })]));
  expect(await counts(tenant.poolId)).toEqual(before);
});

it('refuses an order no host can hold with 409 naming the largest that fits', async () => {
  const big = await customerWithPool(stack.api, { memoryMiB: 200_000, vcpus: 64, diskGiB: 5000 });
  const res = await stack.api.request('POST', '/v1/servers', { token: big.token, body: orderBody(stack, big.poolId, { memoryMiB: 100_000, maxMemoryMiB: 100_000 }) });
  expect(res.status).toBe(409);
  expect(res.body.code).toBe('no_host_capacity');
  expect(res.body.largestFit.memoryMiB).toBeGreaterThan(50_000);
  expect(res.body.largestFit.memoryMiB).toBeLessThan(65536);
  expect(res.body.detail).toMatch(/largest server that fits now/);
  const [pool] = await stack.api.db.query('SELECT allocated_memory_mib, server_count FROM pools WHERE id = $1', [big.poolId]);
  expect(pool).toEqual({ allocated_memory_mib: 0, server_count: 0 });
});

it('rejects an inode count on xfs, btrfs and swap, naming the field', async () => {
  for (const [filesystem, role] of [['xfs', 'data'], ['btrfs', 'data'], ['swap', 'swap']]) {
    const body = orderBody(stack, tenant.poolId);
    (body.disks as Record<string, unknown>[])[2] = { label: 'extra', sizeGiB: 5, filesystem, role, inodes: 100000 };
    const res = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'disks.2.inodes' })]));
  }
});

it('rejects a third root, no root, and duplicate labels', async () => {
  const threeRoots = orderBody(stack, tenant.poolId, {
    disks: ['a', 'b', 'c'].map((label) => ({ label, sizeGiB: 5, filesystem: 'ext4', role: 'root' })),
  });
  expect((await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: threeRoots })).body.fields).toEqual([{ field: 'disks', message: expect.stringMatching(/at most two roots/) }]);
  const noRoot = orderBody(stack, tenant.poolId, { disks: [{ label: 'data', sizeGiB: 5, filesystem: 'ext4', role: 'data' }] });
  expect((await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: noRoot })).status).toBe(400);
  const dup = orderBody(stack, tenant.poolId, { disks: [{ label: 'root', sizeGiB: 5, filesystem: 'ext4', role: 'root' }, { label: 'root', sizeGiB: 5, filesystem: 'ext4', role: 'data' }] });
  const res = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: dup });
  expect(res.status).toBe(400);
  expect(res.body.fields).toEqual([expect.objectContaining({ field: 'disks.1.label' })]);
});

it('refuses a duplicate server name in one account (409) but allows it in another', async () => {
  const first = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name: 'db1' }) });
  expect(first.status).toBe(202);
  const again = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name: 'DB1'.toLowerCase() }) });
  expect(again.status).toBe(409);
  expect(again.body.code).toBe('duplicate_server_name');
  const other = await customerWithPool(stack.api, { memoryMiB: 4096, vcpus: 4, diskGiB: 100 });
  expect((await stack.api.request('POST', '/v1/servers', { token: other.token, body: orderBody(stack, other.poolId, { name: 'db1' }) })).status).toBe(202);
});

it('rejects names and labels with shell metacharacters before anything is stored', async () => {
  const before = await counts(tenant.poolId);
  for (const name of ['web;rm -rf /', 'a$(reboot)', 'x`id`', "q'z", 'a b', '../etc', 'web|x', 'snapshot1', 'pvmove-a']) {
    const res = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name }) });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'name' })]);
  }
  const badLabel = orderBody(stack, tenant.poolId);
  (badLabel.disks as Record<string, unknown>[])[2] = { label: 'd;ls', sizeGiB: 5, filesystem: 'ext4', role: 'data' };
  expect((await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: badLabel })).body.fields).toEqual([expect.objectContaining({ field: 'disks.2.label' })]);
  const badKey = orderBody(stack, tenant.poolId, { sshPublicKey: 'ssh-ed25519 AAAA\nrm -rf /' });
  expect((await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: badKey })).body.fields).toEqual([expect.objectContaining({ field: 'sshPublicKey' })]);
  expect(await counts(tenant.poolId)).toEqual(before);
});

it('refuses an action the state does not allow, naming the allowed ones', async () => {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  const res = await stack.api.request('POST', `/v1/servers/${ordered.body.server.id}/start`, { token: tenant.token });
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ code: 'action_not_allowed', state: 'pending', allowedActions: ['delete'] });
});

it('refuses to shrink a disk, and changes nothing', async () => {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  const id = ordered.body.server.id;
  // As if the create job had run.
  await stack.api.db.query(`UPDATE servers SET state = 'running' WHERE id = $1`, [id]);
  await stack.api.db.query(`UPDATE server_disks SET state = 'present' WHERE server_id = $1`, [id]);
  const data = ordered.body.server.disks.find((d: { label: string }) => d.label === 'data');
  const before = await counts(tenant.poolId);
  const res = await stack.api.request('PATCH', `/v1/servers/${id}/disks/${data.id}`, { token: tenant.token, body: { sizeGiB: 5 } });
  expect(res.status).toBe(400);
  expect(res.body.fields).toEqual([{ field: 'sizeGiB', message: expect.stringMatching(/shrinking is refused/) }]);
  expect(await counts(tenant.poolId)).toEqual(before);
  const [disk] = await stack.api.db.query('SELECT size_gib FROM server_disks WHERE id = $1', [data.id]);
  expect(disk.size_gib).toBe(20);
});

it('accepts exactly 10 of 50 concurrent orders into a pool with room for 10', async () => {
  const t = await customerWithPool(stack.api, { memoryMiB: 10 * 512, vcpus: 100, diskGiB: 1000 });
  const hostsBefore = await counts(t.poolId);
  const body = (i: number) => orderBody(stack, t.poolId, { name: `burst${i}`, memoryMiB: 512, maxMemoryMiB: 512, disks: [{ label: 'root', sizeGiB: 5, filesystem: 'ext4', role: 'root' }] });
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stack.api.request('POST', '/v1/servers', { token: t.token, body: body(i) })));
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 202)).toHaveLength(10);
  expect(statuses.filter((s) => s === 409)).toHaveLength(40);
  expect(new Set(results.filter((r) => r.status === 409).map((r) => r.body.code))).toEqual(new Set(['pool_exhausted']));
  const after = await counts(t.poolId);
  expect(after.pool).toEqual({ allocated_memory_mib: 5120, allocated_vcpus: 10, allocated_disk_gib: 50, server_count: 10 });
  expect(after.servers).toBe(10);
  // Each server also holds its memory plus Xen's 2 MiB per-domain overhead on its host.
  expect(after.hostMemory - hostsBefore.hostMemory).toBe(10 * (512 + 2));
  expect(after.hostServers - hostsBefore.hostServers).toBe(10);
});

it('cancelling a queued create releases the pool and host and marks the server deleted', async () => {
  const t = await customerWithPool(stack.api, { memoryMiB: 4096, vcpus: 4, diskGiB: 100 });
  const ordered = await stack.api.request('POST', '/v1/servers', { token: t.token, body: orderBody(stack, t.poolId) });
  const cancelled = await stack.api.request('POST', `/v1/jobs/${ordered.body.job.id}/cancel`, { token: t.token });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('cancelled');
  const server = await stack.api.request('GET', `/v1/servers/${ordered.body.server.id}?`, { token: t.token });
  expect(server.status).toBe(200);
  expect(server.body.state).toBe('deleted');
  expect((await counts(t.poolId)).pool).toEqual({ allocated_memory_mib: 0, allocated_vcpus: 0, allocated_disk_gib: 0, server_count: 0 });
  const again = await stack.api.request('POST', `/v1/jobs/${ordered.body.job.id}/cancel`, { token: t.token });
  expect(again.status).toBe(409);
  expect(again.body.code).toBe('job_not_cancellable');
});

it('hides another tenant\'s servers and jobs (404) and spreads one customer\'s servers across hosts', async () => {
  const a = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
  const b = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
  const first = await stack.api.request('POST', '/v1/servers', { token: a.token, body: orderBody(stack, a.poolId) });
  const second = await stack.api.request('POST', '/v1/servers', { token: a.token, body: orderBody(stack, a.poolId) });
  expect(first.body.server.hostId).not.toBe(second.body.server.hostId);
  expect((await stack.api.request('GET', `/v1/servers/${first.body.server.id}`, { token: b.token })).status).toBe(404);
  expect((await stack.api.request('GET', `/v1/jobs/${first.body.job.id}`, { token: b.token })).status).toBe(404);
  expect((await stack.api.request('POST', `/v1/servers/${first.body.server.id}/stop`, { token: b.token, body: {} })).status).toBe(404);
  expect((await stack.api.request('POST', '/v1/servers', { token: b.token, body: orderBody(stack, a.poolId) })).status).toBe(404);
  const listed = await stack.api.request('GET', '/v1/servers', { token: b.token });
  expect(listed.text).not.toContain(first.body.server.id);
});

/** An ordered server as if its create job had run (no worker here), so later requests queue behind nothing. */
async function builtServer(t: TenantWithPool, state: 'running' | 'stopped'): Promise<string> {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: t.token, body: orderBody(stack, t.poolId) });
  const id = ordered.body.server.id as string;
  await stack.api.db.query(`UPDATE jobs SET status = 'succeeded', finished_at = created_at WHERE id = $1`, [ordered.body.job.id]);
  await stack.api.db.query(`UPDATE servers SET state = $2 WHERE id = $1`, [id, state]);
  await stack.api.db.query(`UPDATE server_disks SET state = 'present' WHERE server_id = $1`, [id]);
  return id;
}

describe('changes queued behind each other', () => {
  const runningServer = (t: TenantWithPool) => builtServer(t, 'running');

  it('cancelling a queued resize puts size, maxima, pending reboot and the reservation back', async () => {
    const t = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
    const id = await runningServer(t);
    const resized = await stack.api.request('POST', `/v1/servers/${id}/resize`, { token: t.token, body: { memoryMiB: 4096 } });
    expect(resized.status).toBe(202);
    expect(resized.body).toMatchObject({ memory: 'next-boot', server: { memoryMiB: 4096, maxMemoryMiB: 4096, pendingReboot: true } });
    expect((await counts(t.poolId)).pool.allocated_memory_mib).toBe(4096);
    const cancelled = await stack.api.request('POST', `/v1/jobs/${resized.body.jobs[0].id}/cancel`, { token: t.token });
    expect(cancelled.status).toBe(200);
    const server = (await stack.api.request('GET', `/v1/servers/${id}`, { token: t.token })).body;
    expect(server).toMatchObject({ memoryMiB: 1024, maxMemoryMiB: 2048, pendingReboot: false });
    expect((await counts(t.poolId)).pool.allocated_memory_mib).toBe(1024);
  });

  it('refuses a second root switch while one is queued', async () => {
    const t = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
    const id = await runningServer(t);
    expect((await stack.api.request('POST', `/v1/servers/${id}/switch-root`, { token: t.token })).status).toBe(202);
    const second = await stack.api.request('POST', `/v1/servers/${id}/switch-root`, { token: t.token });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('switch_root_pending');
  });
});

describe('resizing memory and vCPUs together', () => {
  it('changes both or neither: a vCPU count beyond the pool leaves memory as it was', async () => {
    const t = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 2, diskGiB: 200 });
    const id = await builtServer(t, 'stopped');
    const before = await counts(t.poolId);
    const jobsBefore = await stack.api.db.query('SELECT count(*)::int AS n FROM jobs WHERE server_id = $1', [id]);

    const refused = await stack.api.request('POST', `/v1/servers/${id}/resize`, { token: t.token, body: { memoryMiB: 4096, vcpus: 8 } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('pool_exhausted');
    expect(await counts(t.poolId)).toEqual(before);
    expect((await stack.api.request('GET', `/v1/servers/${id}`, { token: t.token })).body).toMatchObject({ memoryMiB: 1024, vcpus: 1 });
    expect(await stack.api.db.query('SELECT count(*)::int AS n FROM jobs WHERE server_id = $1', [id])).toEqual(jobsBefore);

    // An unchanged value is left alone rather than refusing the other.
    const accepted = await stack.api.request('POST', `/v1/servers/${id}/resize`, { token: t.token, body: { memoryMiB: 2048, vcpus: 1 } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ memory: 'next-boot', server: { memoryMiB: 2048, vcpus: 1 } });
    expect(accepted.body.vcpus).toBeUndefined();
    expect(accepted.body.jobs.map((j: { type: string }) => j.type)).toEqual(['server.resize-memory']);
  });
});

describe('disk positions', () => {
  it('gives an added disk the first free xvd letter, so remove/add cycles never run out of letters', async () => {
    const t = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 500 });
    const id = await builtServer(t, 'stopped');
    // xvdc (data) goes away, as if its remove job had run.
    await stack.api.db.query(`UPDATE server_disks SET state = 'removed' WHERE server_id = $1 AND label = 'data'`, [id]);
    const added = await stack.api.request('POST', `/v1/servers/${id}/disks`, { token: t.token, body: { label: 'logs', sizeGiB: 5, filesystem: 'ext4', role: 'data' } });
    expect(added.status).toBe(202);
    expect(added.body.server.disks.find((d: { label: string }) => d.label === 'logs').device).toBe('xvdc');
  });
});

describe('cancelling only what can be undone exactly', () => {
  it('cancels newest first: an earlier resize with a later one queued is 409 job_not_last', async () => {
    const t = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
    const id = await builtServer(t, 'running');
    const first = await stack.api.request('POST', `/v1/servers/${id}/resize`, { token: t.token, body: { memoryMiB: 2048 } });
    const second = await stack.api.request('POST', `/v1/servers/${id}/resize`, { token: t.token, body: { memoryMiB: 4096 } });
    const refused = await stack.api.request('POST', `/v1/jobs/${first.body.jobs[0].id}/cancel`, { token: t.token });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'job_not_last', laterJobIds: [second.body.jobs[0].id] });
    // Newest first works, and then the earlier one.
    expect((await stack.api.request('POST', `/v1/jobs/${second.body.jobs[0].id}/cancel`, { token: t.token })).status).toBe(200);
    expect((await stack.api.request('POST', `/v1/jobs/${first.body.jobs[0].id}/cancel`, { token: t.token })).status).toBe(200);
    expect((await stack.api.request('GET', `/v1/servers/${id}`, { token: t.token })).body).toMatchObject({ memoryMiB: 1024, maxMemoryMiB: 2048 });
    expect((await counts(t.poolId)).pool.allocated_memory_mib).toBe(1024);
  });

  it('will not cancel a delete asked while the build was still under way', async () => {
    const t = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
    const ordered = await stack.api.request('POST', '/v1/servers', { token: t.token, body: orderBody(stack, t.poolId) });
    const deleted = await stack.api.request('DELETE', `/v1/servers/${ordered.body.server.id}`, { token: t.token });
    // The build then ran (seeing the server already deleting) and finished.
    await stack.api.db.query(`UPDATE jobs SET status = 'succeeded', finished_at = now() WHERE id = $1`, [ordered.body.job.id]);
    const refused = await stack.api.request('POST', `/v1/jobs/${deleted.body.job.id}/cancel`, { token: t.token });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('job_not_cancellable');
    expect((await stack.api.request('GET', `/v1/servers/${ordered.body.server.id}`, { token: t.token })).body.state).toBe('deleting');
  });
});

// A server's whole life through the API, built by the worker on a simulated Dom0 over SSH.
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';

let stack: Stack;
let tenant: TenantWithPool;

beforeAll(async () => {
  stack = await startStack({ hosts: 1 });
  tenant = await customerWithPool(stack.api, { memoryMiB: 16384, vcpus: 16, diskGiB: 500 });
});
afterAll(() => stack.close());

const sim = () => stack.hosts[0]!.sim;
const domain = (name: string) => sim().state.domains.find((d) => d.name === name);
const volumes = (prefix: string) => sim().state.vg.lvs.filter((v) => v.name.startsWith(prefix)).map((v) => v.name).sort();

async function act(method: string, path: string, body?: unknown) {
  const res = await stack.api.request(method, path, { token: tenant.token, body });
  expectStatus(res, 202);
  const job = await waitForJob(stack.api, tenant.token, res.body.job?.id ?? res.body.jobs[0].id);
  expect(job).toMatchObject({ status: 'succeeded' });
  return { res, job };
}

it('builds, changes and deletes a server on the Dom0, with every step on its job', async () => {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name: 'shop' }) });
  expectStatus(ordered, 202);
  const { id, domainName } = ordered.body.server;

  const created = await waitForJob(stack.api, tenant.token, ordered.body.job.id);
  expect(created.status).toBe('succeeded');
  expect(created.steps.every((s: { status: string }) => s.status === 'succeeded')).toBe(true);
  expect(created.steps.flatMap((s: { commands?: string[] }) => s.commands ?? [])).toEqual(expect.arrayContaining([expect.stringMatching(/^lvcreate /), expect.stringMatching(/^mkfs\.ext4 .*-N 655360/), expect.stringMatching(/^xl create /)]));
  expect((await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body.state).toBe('running');
  expect(domain(domainName)).toMatchObject({ memoryMiB: 1024 });
  expect(volumes(domainName)).toEqual([`${domainName}-data`, `${domainName}-root`, `${domainName}-root2`, `${domainName}-swap`]);

  // Memory within maxmem grows live.
  const grown = await act('POST', `/v1/servers/${id}/resize`, { memoryMiB: 2048 });
  expect(grown.res.body.memory).toBe('live');
  expect(domain(domainName)).toMatchObject({ memoryMiB: 2048 });

  // Switching root takes effect at the next boot.
  const switched = await act('POST', `/v1/servers/${id}/switch-root`);
  const afterSwitch = (await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body;
  expect(afterSwitch.pendingReboot).toBe(true);
  expect(afterSwitch.disks.find((d: { activeRoot: boolean }) => d.activeRoot).label).toBe('root2');
  expect(switched.job.steps.length).toBeGreaterThan(0);
  await act('POST', `/v1/servers/${id}/reboot`);
  const rebooted = (await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body;
  expect(rebooted.pendingReboot).toBe(false);
  expect(domain(domainName)).toBeDefined();

  // Stop, grow a disk offline, add one, start again.
  await act('POST', `/v1/servers/${id}/stop`, { timeoutSeconds: 5 });
  expect(domain(domainName)).toBeUndefined();
  const data = rebooted.disks.find((d: { label: string }) => d.label === 'data');
  await act('PATCH', `/v1/servers/${id}/disks/${data.id}`, { sizeGiB: 30 });
  expect(sim().state.vg.lvs.find((v) => v.name === `${domainName}-data`)?.sizeBytes).toBe(30 * 1024 ** 3);
  await act('POST', `/v1/servers/${id}/disks`, { label: 'logs', sizeGiB: 5, filesystem: 'ext4', role: 'data', bytesPerInode: 16384 });
  await act('POST', `/v1/servers/${id}/start`);
  expect(domain(domainName)).toBeDefined();

  // Remove the added disk (confirmation required), then delete the server.
  const withLogs = (await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body;
  const logs = withLogs.disks.find((d: { label: string }) => d.label === 'logs');
  const unconfirmed = await stack.api.request('DELETE', `/v1/servers/${id}/disks/${logs.id}`, { token: tenant.token, body: { confirmLabel: 'wrong' } });
  expect(unconfirmed.status).toBe(400);
  await act('DELETE', `/v1/servers/${id}/disks/${logs.id}`, { confirmLabel: 'logs' });
  expect(volumes(`${domainName}-logs`)).toEqual([]);

  await act('DELETE', `/v1/servers/${id}`);
  expect(domain(domainName)).toBeUndefined();
  expect(volumes(domainName)).toEqual([]);
  expect((await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body.state).toBe('deleted');
  const [pool] = await stack.api.db.query('SELECT allocated_memory_mib, allocated_vcpus, allocated_disk_gib, server_count FROM pools WHERE id = $1', [tenant.poolId]);
  expect(pool).toEqual({ allocated_memory_mib: 0, allocated_vcpus: 0, allocated_disk_gib: 0, server_count: 0 });
  const [host] = await stack.api.db.query('SELECT allocated_memory_mib, allocated_disk_gib, server_count FROM hosts WHERE id = $1', [stack.hosts[0]!.id]);
  expect(host).toEqual({ allocated_memory_mib: 0, allocated_disk_gib: 0, server_count: 0 });
  // The deleted server's record still names the host: it can be retired, not deleted.
  const removeHost = await stack.api.request('DELETE', `/v1/hosts/${stack.hosts[0]!.id}`);
  expect(removeHost.status).toBe(409);
  expect(removeHost.body.code).toBe('host_has_history');
});

it('runs one server\'s jobs in the order asked', async () => {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  const id = ordered.body.server.id;
  // Queued behind the create: they must not start before it ends.
  const deleteJob = (await stack.api.request('DELETE', `/v1/servers/${id}`, { token: tenant.token })).body.job;
  const done = await waitForJob(stack.api, tenant.token, deleteJob.id);
  const create = (await stack.api.request('GET', `/v1/jobs/${ordered.body.job.id}`, { token: tenant.token })).body;
  expect(create.status).toBe('succeeded');
  expect(done.status).toBe('succeeded');
  expect(new Date(done.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(create.finishedAt).getTime());
  expect(volumes(ordered.body.server.domainName)).toEqual([]);
});

it('undoes a create that fails permanently: no volumes, no domain, pool released, server failed with the reason', async () => {
  sim().fail({ match: 'xl create', count: 1, exitCode: 1, stderr: 'libxl: error: libxl_create.c:1234:domcreate_launch_dm: failed to free memory for the domain\n' });
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  const job = await waitForJob(stack.api, tenant.token, ordered.body.job.id);
  expect(job.status).toBe('failed');
  expect(job.errorCode).toBe('insufficient_host_memory');
  const server = (await stack.api.request('GET', `/v1/servers/${ordered.body.server.id}`, { token: tenant.token })).body;
  expect(server.state).toBe('failed');
  expect(server.failureReason).toMatch(/memory/);
  expect(volumes(ordered.body.server.domainName)).toEqual([]);
  expect(domain(ordered.body.server.domainName)).toBeUndefined();
  const [pool] = await stack.api.db.query('SELECT allocated_memory_mib, server_count FROM pools WHERE id = $1', [tenant.poolId]);
  expect(pool).toEqual({ allocated_memory_mib: 0, server_count: 0 });
});

it('streams a job live as server-sent events until it finishes', async () => {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  const stream = await stack.api.request('GET', `/v1/jobs/${ordered.body.job.id}/events`, { token: tenant.token });
  expect(stream.status).toBe(200);
  expect(String(stream.headers['content-type'])).toContain('text/event-stream');
  const events = stream.text
    .split('\n\n')
    .filter((frame) => frame.includes('data:'))
    .map((frame) => ({ type: /^event: (.+)$/m.exec(frame)?.[1], job: JSON.parse(/^data: (.+)$/m.exec(frame)![1]!) }));
  // The stream saw the job change several times (its steps one by one) and ended with its end.
  expect(events.length).toBeGreaterThan(3);
  expect(events.every((e) => e.type === 'job')).toBe(true);
  const versions = events.map((e) => e.job.version);
  expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  expect(events[events.length - 1]!.job.status).toBe('succeeded');
  expect(events.some((e) => e.job.status === 'running')).toBe(true);
});

it('leaves a failed disk change in a state the customer can act on, with exact accounting', async () => {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  await waitForJob(stack.api, tenant.token, ordered.body.job.id);
  const id = ordered.body.server.id;
  const poolDisk = async () => (await stack.api.db.query('SELECT allocated_disk_gib FROM pools WHERE id = $1', [tenant.poolId]))[0].allocated_disk_gib;
  const before = await poolDisk();

  // mkfs refuses: the half-added disk is removed from the host and its GiB come back.
  sim().fail({ match: 'mkfs.ext4', count: 1, exitCode: 1, stderr: 'mke2fs: Device size reported to be zero.\n' });
  const add = await stack.api.request('POST', `/v1/servers/${id}/disks`, { token: tenant.token, body: { label: 'broken', sizeGiB: 7, filesystem: 'ext4', role: 'data' } });
  expect((await waitForJob(stack.api, tenant.token, add.body.job.id)).status).toBe('failed');
  const afterAdd = (await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body;
  expect(afterAdd.disks.map((d: { label: string }) => d.label)).not.toContain('broken');
  expect(volumes(`${ordered.body.server.domainName}-broken`)).toEqual([]);
  expect(await poolDisk()).toBe(before);

  // lvextend refuses: the disk keeps the size its volume has, and the grow can be asked again.
  const data = afterAdd.disks.find((d: { label: string }) => d.label === 'data');
  sim().fail({ match: 'lvextend', count: 1, exitCode: 5, stderr: '  Insufficient free space: 2560 extents needed, but only 0 available\n' });
  const grow = await stack.api.request('PATCH', `/v1/servers/${id}/disks/${data.id}`, { token: tenant.token, body: { sizeGiB: 30 } });
  expect((await waitForJob(stack.api, tenant.token, grow.body.job.id)).status).toBe('failed');
  const afterGrow = (await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body;
  expect(afterGrow.disks.find((d: { label: string }) => d.label === 'data').sizeGiB).toBe(20);
  expect(await poolDisk()).toBe(before);
  const again = await stack.api.request('PATCH', `/v1/servers/${id}/disks/${data.id}`, { token: tenant.token, body: { sizeGiB: 30 } });
  expect((await waitForJob(stack.api, tenant.token, again.body.job.id)).status).toBe('succeeded');
});

it('marks a pending reboot when a change asked during a start missed the config the start booted', async () => {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  await waitForJob(stack.api, tenant.token, ordered.body.job.id);
  const { id, domainName } = ordered.body.server;
  await act('POST', `/v1/servers/${id}/stop`, { timeoutSeconds: 5 });

  // The start writes the config, then xl create takes a while; the resize is asked in between.
  sim().delay({ match: 'xl create', ms: 1500, count: 1 });
  const start = await stack.api.request('POST', `/v1/servers/${id}/start`, { token: tenant.token });
  // Follow the start until it is inside `xl create` (its config already written).
  for (let version = 0, seen = false; !seen; ) {
    const job = (await stack.api.request('GET', `/v1/jobs/${start.body.job.id}?afterVersion=${version}&waitSeconds=5`, { token: tenant.token })).body;
    seen = job.steps.some((s: { name: string; status: string }) => s.name === 'create domain' && s.status === 'running');
    version = job.version;
  }
  const resize = await stack.api.request('POST', `/v1/servers/${id}/resize`, { token: tenant.token, body: { memoryMiB: 2048 } });
  expect(resize.body.memory).toBe('next-boot');
  await waitForJob(stack.api, tenant.token, start.body.job.id);
  await waitForJob(stack.api, tenant.token, resize.body.jobs[0].id);

  const server = (await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body;
  expect(domain(domainName)?.memoryMiB).toBe(1024);
  expect(server).toMatchObject({ state: 'running', memoryMiB: 2048, pendingReboot: true });
  await act('POST', `/v1/servers/${id}/reboot`);
  expect(domain(domainName)?.memoryMiB).toBe(2048);
  expect((await stack.api.request('GET', `/v1/servers/${id}`, { token: tenant.token })).body.pendingReboot).toBe(false);
});

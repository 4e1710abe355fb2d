// Moving servers between hosts and draining a host: real HTTP, the worker, simulated Dom0s over SSH.
import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { DOMAIN_OVERHEAD_MIB } from '@carve/servers';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';

let stack: Stack;
let tenant: TenantWithPool;

const SMALL_DISKS = [
  { label: 'root', sizeGiB: 1, filesystem: 'ext4', role: 'root' },
  { label: 'swap', sizeGiB: 1, filesystem: 'swap', role: 'swap' },
];

beforeAll(async () => {
  stack = await startStack({ hosts: 3, worker: false, env: { JOB_LOCK_MS: '1500', JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '1500' } });
  tenant = await customerWithPool(stack.api, { memoryMiB: 32768, vcpus: 32, diskGiB: 500 });
});
const spawned: ChildProcess[] = [];
afterAll(async () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stack.close();
});
afterEach(() => {
  for (const h of stack.hosts) {
    h.sim.clearFaults();
    h.sim.state.streamRateMBps = 0;
  }
});

function spawnWorker(): ChildProcess {
  const c = stack.api.config;
  const env = {
    ...process.env,
    DATABASE_URL: c.databaseUrl,
    REDIS_URL: c.redisUrl,
    REDIS_PREFIX: c.redisPrefix,
    CARVE_SSH_PRIVATE_KEY_PATH: stack.clientKeyPath,
    JOB_LOCK_MS: '1500',
    JOB_BACKOFF_MS: '1500',
    JOB_ATTEMPTS: '3',
    RECONCILE_INTERVAL_SECONDS: '0',
    METERING_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  spawned.push(child);
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function orderRunning(hostIndex: number): Promise<{ id: string; domainName: string }> {
  // Fill placement towards the wanted host: order, then check; the spread rule places per customer.
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { disks: SMALL_DISKS, maxMemoryMiB: 1024, maxVcpus: 1 }) });
  expectStatus(ordered, 202);
  expect((await waitForJob(stack.api, tenant.token, ordered.body.job.id)).status).toBe('succeeded');
  const id = ordered.body.server.id as string;
  const hostId = stack.hosts[hostIndex]!.id;
  const server = (await stack.api.request('GET', `/v1/servers/${id}`)).body;
  if (server.hostId !== hostId) {
    const moved = await stack.api.request('POST', `/v1/servers/${id}/move`, { body: { targetHostId: hostId } });
    expectStatus(moved, 202);
    expect((await waitForJob(stack.api, stack.api.operatorToken, moved.body.job.id, 120_000)).status).toBe('succeeded');
  }
  return { id, domainName: ordered.body.server.domainName };
}

/** Where the server's domain runs and its volumes are, across every simulated host. */
function presence(domainName: string) {
  return stack.hosts.map((h) => ({
    host: h.sim.name,
    running: h.sim.state.domains.some((d) => d.name === domainName),
    volumes: h.sim.state.vg.lvs.filter((v) => v.name.startsWith(`${domainName}-`)).map((v) => v.name).sort(),
  }));
}

/** Every host counts exactly the servers placed on it (and nothing for finished moves); the pool counts its servers. */
async function expectExactAccounting(): Promise<void> {
  const rows: { id: string; allocated: number[]; expected: number[] }[] = await stack.api.db.query(
    `SELECT h.id,
            ARRAY[h.allocated_memory_mib, h.allocated_vcpus, h.allocated_disk_gib, h.server_count] AS allocated,
            ARRAY[COALESCE(sum(s.memory_mib + $1), 0)::int, COALESCE(sum(s.vcpus), 0)::int,
                  COALESCE(sum((SELECT sum(d.size_gib) FROM server_disks d WHERE d.server_id = s.id AND d.state <> 'removed')), 0)::int, count(s.id)::int] AS expected
       FROM hosts h LEFT JOIN servers s ON s.host_id = h.id AND s.holds_reservation
      GROUP BY h.id ORDER BY h.id`,
    [DOMAIN_OVERHEAD_MIB],
  );
  for (const row of rows) expect({ id: row.id, allocated: row.allocated }).toEqual({ id: row.id, allocated: row.expected });
  const [pool] = await stack.api.db.query(
    `SELECT ARRAY[p.allocated_memory_mib, p.allocated_vcpus, p.server_count] AS allocated,
            ARRAY[(SELECT COALESCE(sum(memory_mib), 0)::int FROM servers WHERE pool_id = p.id AND holds_reservation),
                  (SELECT COALESCE(sum(vcpus), 0)::int FROM servers WHERE pool_id = p.id AND holds_reservation),
                  (SELECT count(*)::int FROM servers WHERE pool_id = p.id AND holds_reservation)] AS expected
       FROM pools p WHERE p.id = $1`,
    [tenant.poolId],
  );
  expect(pool.allocated).toEqual(pool.expected);
}

async function hostRow(hostId: string) {
  const [row] = await stack.api.db.query('SELECT allocated_memory_mib, allocated_vcpus, allocated_disk_gib, server_count FROM hosts WHERE id = $1', [hostId]);
  return row;
}

describe('with the worker in this process', () => {
  beforeAll(() => stack.startWorker());
  afterAll(() => stack.stopWorker());

  it('moves a running server: checksums match at both ends, it runs on exactly the target, queued jobs follow it, accounting is exact', async () => {
    const server = await orderRunning(0);
    const [source, target] = [stack.hosts[0]!, stack.hosts[1]!];
    const sourceBefore = await hostRow(source.id);
    const targetBefore = await hostRow(target.id);
    source.sim.state.streamRateMBps = 400;
    const moved = await stack.api.request('POST', `/v1/servers/${server.id}/move`, { body: { targetHostId: target.id } });
    expectStatus(moved, 202);
    expect(moved.body.move).toMatchObject({ sourceHostId: source.id, targetHostId: target.id, status: 'queued' });
    // Asked while the move is queued: it must run on the new host.
    const reboot = await stack.api.request('POST', `/v1/servers/${server.id}/reboot`, { token: tenant.token });
    expectStatus(reboot, 202);
    const job = await waitForJob(stack.api, stack.api.operatorToken, moved.body.job.id, 120_000);
    expect(job.status).toBe('succeeded');
    const copy = job.steps.find((s: { name: string }) => s.name === `copy ${server.domainName}-root`);
    expect(copy.note).toMatch(/1024 of 1024 MiB copied \(100%\), [\d.]+ MB\/s .*sha256 [0-9a-f]{64} on both hosts/);
    const [record] = await stack.api.db.query('SELECT status, volumes, target_reserved FROM server_moves WHERE id = $1', [moved.body.move.id]);
    expect(record.status).toBe('succeeded');
    expect(record.volumes).toHaveLength(2);
    for (const v of record.volumes) {
      expect(v.bytes).toBe(1024 ** 3);
      expect(v.sourceSha256).toBe(v.streamedSha256);
      expect(v.targetSha256).toBe(v.streamedSha256);
    }
    const rebootJob = await waitForJob(stack.api, tenant.token, reboot.body.job.id);
    expect(rebootJob).toMatchObject({ status: 'succeeded', hostId: target.id });
    expect(presence(server.domainName)).toEqual([
      { host: 'sim-1', running: false, volumes: [] },
      { host: 'sim-2', running: true, volumes: [`${server.domainName}-root`, `${server.domainName}-swap`] },
      { host: 'sim-3', running: false, volumes: [] },
    ]);
    // The filesystem travelled with the bytes.
    expect(target.sim.state.vg.lvs.find((v) => v.name === `${server.domainName}-root`)!.filesystem?.type).toBe('ext4');
    const view = (await stack.api.request('GET', `/v1/servers/${server.id}`, { token: tenant.token })).body;
    expect(view).toMatchObject({ hostId: target.id, state: 'running' });
    expect(await hostRow(source.id)).toMatchObject({ allocated_vcpus: sourceBefore.allocated_vcpus - 1, allocated_disk_gib: sourceBefore.allocated_disk_gib - 2, server_count: sourceBefore.server_count - 1 });
    expect(await hostRow(target.id)).toMatchObject({ allocated_vcpus: targetBefore.allocated_vcpus + 1, allocated_disk_gib: targetBefore.allocated_disk_gib + 2, server_count: targetBefore.server_count + 1 });
    await expectExactAccounting();
    const events = (await stack.api.request('GET', '/v1/events?kind=server.move.succeeded')).body.items;
    expect(events.some((e: { subjectId: string }) => e.subjectId === server.id)).toBe(true);
  }, 180_000);

  it('refuses bad moves: own host 400, inactive or full host 409 naming what is short, a server not running or stopped 409 with allowed actions', async () => {
    const server = await orderRunning(0);
    const own = await stack.api.request('POST', `/v1/servers/${server.id}/move`, { body: { targetHostId: stack.hosts[0]!.id } });
    expect(own.status).toBe(400);
    expect(own.body.fields).toEqual([expect.objectContaining({ field: 'targetHostId' })]);

    const third = stack.hosts[2]!.id;
    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${third}`, { body: { status: 'maintenance' } }), 200);
    const inactive = await stack.api.request('POST', `/v1/servers/${server.id}/move`, { body: { targetHostId: third } });
    expect(inactive.status).toBe(409);
    expect(inactive.body.code).toBe('host_not_active');
    expect(inactive.body.detail).toMatch(/maintenance/);
    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${third}`, { body: { status: 'active' } }), 200);

    const big = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { disks: SMALL_DISKS, memoryMiB: 20000, maxMemoryMiB: 20000 }) });
    expectStatus(big, 202);
    expect((await waitForJob(stack.api, tenant.token, big.body.job.id)).status).toBe('succeeded');
    const bigHost = (await stack.api.request('GET', `/v1/servers/${big.body.server.id}`)).body.hostId;
    // Fill another host so the big server has no room there.
    const other = stack.hosts.find((h) => h.id !== bigHost)!.id;
    await stack.api.db.query('UPDATE hosts SET allocated_memory_mib = allocated_memory_mib + 50000 WHERE id = $1', [other]);
    try {
      const full = await stack.api.request('POST', `/v1/servers/${big.body.server.id}/move`, { body: { targetHostId: other } });
      expect(full.status).toBe(409);
      expect(full.body.code).toBe('host_full');
      expect(full.body.detail).toMatch(/memory: \d+ MiB needed, \d+ MiB free/);
    } finally {
      await stack.api.db.query('UPDATE hosts SET allocated_memory_mib = allocated_memory_mib - 50000 WHERE id = $1', [other]);
    }

    const pending = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { disks: SMALL_DISKS }) });
    const deleting = await stack.api.request('DELETE', `/v1/servers/${pending.body.server.id}`, { token: tenant.token });
    expectStatus(deleting, 202);
    const notMovable = await stack.api.request('POST', `/v1/servers/${pending.body.server.id}/move`, { body: {} });
    expect(notMovable.status).toBe(409);
    expect(notMovable.body.code).toBe('action_not_allowed');
    expect(notMovable.body.allowedActions).toEqual([]);
    const customer = await stack.api.request('POST', `/v1/servers/${server.id}/move`, { token: tenant.token, body: {} });
    expect(customer.status).toBe(403);
    await waitForJob(stack.api, tenant.token, deleting.body.job.id);
  }, 180_000);

  it('drains a host: every server moved off under placement rules, a second drain answers the one in progress, the summary says what moved', async () => {
    const a = await orderRunning(2);
    const b = await orderRunning(2);
    const host = stack.hosts[2]!;
    host.sim.state.streamRateMBps = 300;
    const drained = await stack.api.request('POST', `/v1/hosts/${host.id}/drain`);
    expectStatus(drained, 202);
    expect(drained.body.drain.status).toBe('running');
    // Every server on the host moves: these two, and any an earlier test left there.
    expect(drained.body.moving.map((m: { serverId: string }) => m.serverId)).toEqual(expect.arrayContaining([a.id, b.id]));
    const again = await stack.api.request('POST', `/v1/hosts/${host.id}/drain`);
    expectStatus(again, 200);
    expect(again.body.drain.id).toBe(drained.body.drain.id);
    expect((await stack.api.request('GET', `/v1/hosts/${host.id}`)).body.status).toBe('draining');
    const summary = await until('the drain to finish', async () => {
      const s = (await stack.api.request('GET', `/v1/hosts/${host.id}/drain`)).body;
      return s.drain.status === 'finished' ? s : undefined;
    }, 180_000);
    expect(summary.moved.map((m: { serverId: string }) => m.serverId)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(summary.couldNot).toEqual([]);
    for (const s of [a, b]) {
      const where = presence(s.domainName);
      expect(where.filter((p) => p.running)).toHaveLength(1);
      expect(where.find((p) => p.host === 'sim-3')).toEqual({ host: 'sim-3', running: false, volumes: [] });
    }
    expect(await hostRow(host.id)).toMatchObject({ allocated_vcpus: 0, allocated_disk_gib: 0, server_count: 0 });
    await expectExactAccounting();
    const events = (await stack.api.request('GET', '/v1/events?kind=host.drain.finished')).body.items;
    expect(events.some((e: { subjectId: string }) => e.subjectId === host.id)).toBe(true);
    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${host.id}`, { body: { status: 'active' } }), 200);
  }, 300_000);

  it('a target that becomes unreachable mid-copy: the server runs on its source again, and the target is cleaned once it answers', async () => {
    const server = await orderRunning(0);
    const [source, target] = [stack.hosts[0]!, stack.hosts[1]!];
    const targetBefore = await hostRow(target.id);
    source.sim.state.streamRateMBps = 20;
    const moved = await stack.api.request('POST', `/v1/servers/${server.id}/move`, { body: { targetHostId: target.id } });
    expectStatus(moved, 202);
    await until('the copy to be under way', async () => {
      const job = (await stack.api.request('GET', `/v1/jobs/${moved.body.job.id}`)).body;
      return job.steps.some((s: { name: string; status: string; note?: string }) => s.name.startsWith('copy ') && s.status === 'running' && /MiB copied/.test(s.note ?? '')) ? job : undefined;
    });
    await stack.api.db.query('UPDATE hosts SET ssh_port = $2 WHERE id = $1', [target.id, await closedPort()]);
    target.sim.dropConnections();
    const job = await waitForJob(stack.api, stack.api.operatorToken, moved.body.job.id, 120_000);
    expect(job.status).toBe('failed');
    expect(job.errorCode).toBe('host_unreachable');
    // Right away: it runs on its source, nowhere else.
    expect(presence(server.domainName).filter((p) => p.running).map((p) => p.host)).toEqual(['sim-1']);
    expect((await stack.api.request('GET', `/v1/servers/${server.id}`)).body).toMatchObject({ hostId: source.id, state: 'running' });
    // The target answers again: the cleanup job removes what the move left there.
    await stack.api.db.query('UPDATE hosts SET ssh_port = $2 WHERE id = $1', [target.id, target.sim.port]);
    await until('the target to be clean', async () => {
      const [move] = await stack.api.db.query('SELECT target_reserved FROM server_moves WHERE id = $1', [moved.body.move.id]);
      return move.target_reserved === false && presence(server.domainName)[1]!.volumes.length === 0 ? true : undefined;
    }, 60_000);
    expect(presence(server.domainName)).toEqual([
      { host: 'sim-1', running: true, volumes: [`${server.domainName}-root`, `${server.domainName}-swap`] },
      { host: 'sim-2', running: false, volumes: [] },
      { host: 'sim-3', running: false, volumes: [] },
    ]);
    expect(await hostRow(target.id)).toEqual(targetBefore);
    await expectExactAccounting();
  }, 180_000);
});

it('a worker killed with SIGKILL in the middle of a copy: the move resumes and ends with the server on exactly one host, no leftovers, exact accounting', async () => {
  let worker = spawnWorker();
  try {
    const server = await orderRunning(0);
    const [source, target] = [stack.hosts[0]!, stack.hosts[1]!];
    source.sim.state.streamRateMBps = 50;
    const moved = await stack.api.request('POST', `/v1/servers/${server.id}/move`, { body: { targetHostId: target.id } });
    expectStatus(moved, 202);
    await until('the copy to be under way', async () => {
      const job = (await stack.api.request('GET', `/v1/jobs/${moved.body.job.id}`)).body;
      return job.steps.some((s: { name: string; status: string; note?: string }) => s.name.startsWith('copy ') && s.status === 'running' && /MiB copied/.test(s.note ?? '')) ? job : undefined;
    });
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    worker = spawnWorker();
    const job = await waitForJob(stack.api, stack.api.operatorToken, moved.body.job.id, 240_000);
    expect(job.status).toBe('succeeded');
    // Resumed by BullMQ's stall retry or by the reconciler's re-queue of a dead worker's job (which does not count an attempt): what matters is where the server ends.
    expect(presence(server.domainName)).toEqual([
      { host: 'sim-1', running: false, volumes: [] },
      { host: 'sim-2', running: true, volumes: [`${server.domainName}-root`, `${server.domainName}-swap`] },
      { host: 'sim-3', running: false, volumes: [] },
    ]);
    const [record] = await stack.api.db.query('SELECT volumes FROM server_moves WHERE id = $1', [moved.body.move.id]);
    for (const v of record.volumes) expect([v.sourceSha256, v.targetSha256]).toEqual([v.streamedSha256, v.streamedSha256]);
    await expectExactAccounting();
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
}, 360_000);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

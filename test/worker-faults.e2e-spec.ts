// Faults around the worker: killed mid-create, and a host that stops answering.
import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, waitForJob } from './support/stack';

let stack: Stack;

function workerEnv(): NodeJS.ProcessEnv {
  const c = stack.api.config;
  return {
    ...process.env,
    DATABASE_URL: c.databaseUrl,
    REDIS_URL: c.redisUrl,
    REDIS_PREFIX: c.redisPrefix,
    CARVE_SSH_PRIVATE_KEY_PATH: stack.clientKeyPath,
    JOB_LOCK_MS: '1500',
    JOB_BACKOFF_MS: '100',
    RECONCILE_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'warn',
  };
}

const spawned: ChildProcess[] = [];

/** The real worker app in its own process, so it can be killed like a crashed one. */
function spawnWorker(): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/worker/src/main.ts'], { env: workerEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
  spawned.push(child);
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stack = await startStack({ hosts: 1, worker: false, env: { JOB_LOCK_MS: '1500', JOB_ATTEMPTS: '3' } });
});
afterAll(async () => {
  // Whatever happened in a test, no worker process outlives the file.
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stack.close();
});

it('finishes a create after the worker is killed with SIGKILL in the middle of it: no orphans, exact accounting', async () => {
  const sim = stack.hosts[0]!.sim;
  const tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
  // Unpacking the image takes a while, so the kill lands mid-command with the root LV mounted.
  sim.delay({ match: 'tar ', ms: 4000, count: 1 });
  let worker = spawnWorker();
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
  expectStatus(ordered, 202);
  const { domainName } = ordered.body.server;
  await until('the image install to start', async () => {
    const job = (await stack.api.request('GET', `/v1/jobs/${ordered.body.job.id}`, { token: tenant.token })).body;
    return job.steps.some((s: { name: string; status: string }) => /image/.test(s.name) && s.status === 'running') ? job : undefined;
  });
  worker.kill('SIGKILL');
  await new Promise((r) => worker.once('exit', r));

  worker = spawnWorker();
  try {
    const job = await waitForJob(stack.api, tenant.token, ordered.body.job.id, 90_000);
    expect(job.status).toBe('succeeded');
    const server = (await stack.api.request('GET', `/v1/servers/${ordered.body.server.id}`, { token: tenant.token })).body;
    expect(server.state).toBe('running');
    expect(sim.state.vg.lvs.map((v) => v.name).sort()).toEqual([`${domainName}-data`, `${domainName}-root`, `${domainName}-root2`, `${domainName}-swap`]);
    expect(sim.state.domains.filter((d) => d.name !== 'Domain-0').map((d) => d.name)).toEqual([domainName]);
    expect(sim.state.mounts).toEqual([]);
    const [pool] = await stack.api.db.query('SELECT allocated_memory_mib, allocated_vcpus, allocated_disk_gib, server_count FROM pools WHERE id = $1', [tenant.poolId]);
    expect(pool).toEqual({ allocated_memory_mib: 1024, allocated_vcpus: 1, allocated_disk_gib: 41, server_count: 1 });
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
}, 120_000);

it('retries while a host is unreachable, then fails the job with a clear reason; deleting the failed server later releases the order', async () => {
  const sim = stack.hosts[0]!.sim;
  const tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
  await stack.startWorker();
  try {
    // The host's SSH port stops answering (connection refused).
    await stack.api.db.query('UPDATE hosts SET ssh_port = $2 WHERE id = $1', [stack.hosts[0]!.id, await closedPort()]);
    const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
    const job = await waitForJob(stack.api, tenant.token, ordered.body.job.id, 60_000);
    expect(job.status).toBe('failed');
    expect(job.attempts).toBe(3);
    expect(job.error).toMatch(/gave up after 3 attempts/);
    expect(job.errorCode).toBe('host_unreachable');
    const server = (await stack.api.request('GET', `/v1/servers/${ordered.body.server.id}`, { token: tenant.token })).body;
    expect(server.state).toBe('failed');
    expect(server.failureReason).toBeTruthy();

    // The host answers again: deleting the failed server cleans up and gives the pool back.
    await stack.api.db.query('UPDATE hosts SET ssh_port = $2 WHERE id = $1', [stack.hosts[0]!.id, sim.port]);
    const deleted = await stack.api.request('DELETE', `/v1/servers/${ordered.body.server.id}`, { token: tenant.token });
    expectStatus(deleted, 202);
    expect((await waitForJob(stack.api, tenant.token, deleted.body.job.id)).status).toBe('succeeded');
    const [pool] = await stack.api.db.query('SELECT allocated_memory_mib, server_count FROM pools WHERE id = $1', [tenant.poolId]);
    expect(pool).toEqual({ allocated_memory_mib: 0, server_count: 0 });
  } finally {
    await stack.api.db.query('UPDATE hosts SET ssh_port = $2 WHERE id = $1', [stack.hosts[0]!.id, sim.port]);
    await stack.stopWorker();
  }
}, 90_000);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('a worker without its SSH key', () => {
  let keyless: Stack;
  beforeAll(async () => {
    keyless = await startStack({ hosts: 1, env: { CARVE_SSH_PRIVATE_KEY_PATH: '/nonexistent/carve-key', JOB_ATTEMPTS: '2' } });
  });
  afterAll(() => keyless.close());

  it('fails the job with a reason that says what to do, and the lane moves on', async () => {
    const tenant = await customerWithPool(keyless.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
    const ordered = await keyless.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(keyless, tenant.poolId) });
    const job = await waitForJob(keyless.api, tenant.token, ordered.body.job.id, 30_000);
    expect(job).toMatchObject({ status: 'failed', errorCode: 'ssh_key_missing' });
    expect(job.error).toMatch(/CARVE_SSH_PRIVATE_KEY_PATH/);
    const server = (await keyless.api.request('GET', `/v1/servers/${ordered.body.server.id}`, { token: tenant.token })).body;
    expect(server.state).toBe('failed');
    // The next job of the server is not stuck behind it.
    const deleted = await keyless.api.request('DELETE', `/v1/servers/${ordered.body.server.id}`, { token: tenant.token });
    expect(deleted.status).toBe(202);
    // Without the key the delete cannot finish either: the server goes back to failed, and can be deleted again.
    expect(await waitForJob(keyless.api, tenant.token, deleted.body.job.id, 30_000)).toMatchObject({ status: 'failed', errorCode: 'ssh_key_missing' });
    const after = (await keyless.api.request('GET', `/v1/servers/${ordered.body.server.id}`, { token: tenant.token })).body;
    expect(after).toMatchObject({ state: 'failed', failureReason: expect.stringMatching(/delete did not finish/) });
    expect((await keyless.api.request('DELETE', `/v1/servers/${ordered.body.server.id}`, { token: tenant.token })).status).toBe(202);
  });
});

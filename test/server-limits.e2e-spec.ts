// CPU and network limits end to end: HTTP in (operator route), the worker's job over SSH on a
// simulated Dom0, and what the Dom0 then shows (`xl sched-credit2`, the domain config, `xl list -l`).
import { randomUUID } from 'node:crypto';
import { parseSchedCredit2, parseXlListLong, vifRateMbitOf } from '@carve/xen';
import { SimClient } from '../apps/dom0-sim/src/testing/sim-client';
import { expectProblem, problemFields, snapshotTables } from './support/problem-assertions';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';

let stack: Stack;
let tenant: TenantWithPool;
let ssh: SimClient;
let server: { id: string; domainName: string };

const operator = (method: string, path: string, body?: unknown) => stack.api.request(method, path, { body });
const limits = (body: unknown, token?: string) => stack.api.request('PATCH', `/v1/servers/${server.id}/limits`, { body, ...(token ? { token } : {}) });

async function run(line: string): Promise<string> {
  const result = await ssh.exec(line);
  if (result.exitCode !== 0) throw new Error(`${line}: exit ${result.exitCode}: ${result.stderr}`);
  return result.stdout;
}

/** The domain's row in the Dom0's own `xl sched-credit2` listing, read over SSH. */
async function schedRow(domainName: string) {
  return parseSchedCredit2(await run('xl sched-credit2')).find((e) => e.name === domainName);
}

async function vifRates(domainName: string) {
  return parseXlListLong(await run('xl list -l')).find((d) => d.name === domainName)?.nics.map(vifRateMbitOf);
}

async function act(method: string, path: string, body?: unknown) {
  const res = await operator(method, path, body);
  expectStatus(res, 202);
  const job = await waitForJob(stack.api, tenant.token, res.body.job.id);
  expect(job).toMatchObject({ status: 'succeeded' });
  return { res, job };
}

const current = async () => (await stack.api.request('GET', `/v1/servers/${server.id}`, { token: tenant.token })).body;

beforeAll(async () => {
  stack = await startStack({ hosts: 1 });
  tenant = await customerWithPool(stack.api, { memoryMiB: 16384, vcpus: 16, diskGiB: 500 });
  ssh = await SimClient.connect(stack.hosts[0]!.sim.port, stack.hosts[0]!.sim.adminPrivateKey);
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { vcpus: 2, maxVcpus: 2 }) });
  expectStatus(ordered, 202);
  server = ordered.body.server;
  expect((await waitForJob(stack.api, tenant.token, ordered.body.job.id)).status).toBe('succeeded');
});
afterAll(async () => {
  if (ssh) {
    const closed = ssh.closed();
    ssh.end();
    await closed;
  }
  await stack?.close();
});

it('shows Xen defaults on a new server: no cap, weight 256, no rate', async () => {
  expect((await current()).limits).toEqual({ cpuCapPercent: 0, cpuWeight: 256, networkRateMbit: null });
  expect(await schedRow(server.domainName)).toMatchObject({ weight: 256, cap: 0 });
  expect(await vifRates(server.domainName)).toEqual([null]);
});

it('caps, weighs and rate-limits a running server live, writes all three into its config, and keeps them across reboots', async () => {
  const { res, job } = await act('PATCH', `/v1/servers/${server.id}/limits`, { cpuCapPercent: 150, cpuWeight: 512, networkRateMbit: 100 });
  expect(res.body).toMatchObject({ cpu: 'live', network: 'live', server: { limits: { cpuCapPercent: 150, cpuWeight: 512, networkRateMbit: 100 } }, job: { type: 'server.set-limits' } });
  expect(job.steps.map((s: { name: string }) => s.name)).toEqual(['write domain config', 'apply cpu limits', 'network rate']);
  const commands = job.steps.flatMap((s: { commands?: string[] }) => s.commands ?? []);
  expect(commands).toContain(`xl sched-credit2 -d ${server.domainName} -w 512 -c 150`);
  const domid = (await schedRow(server.domainName))!.domid;
  // libxl's form of rate=100Mb/s: 625,000 bytes of credit per 50 ms, in the node netback watches.
  expect(commands).toContain(`xenstore-write /local/domain/0/backend/vif/${domid}/0/rate 625000,50000`);
  expect(job.steps.find((s: { name: string }) => s.name === 'network rate').note).toMatch(/^rate=100Mb\/s applied live to vif \d+\.0 /);

  expect(await schedRow(server.domainName)).toMatchObject({ pool: 'Pool-0', weight: 512, cap: 150 });
  const cfg = await run(`cat /etc/xen/${server.domainName}.cfg`);
  expect(cfg).toMatch(/^cpu_weight = 512$/m);
  expect(cfg).toMatch(/^cap {8}= 150$/m);
  expect(cfg).toMatch(/^vif {2}= \[ 'mac=00:16:3e:[0-9a-f:]{8},bridge=xenbr0,rate=100Mb\/s' \]$/m);
  // The running vif has the new rate now: nothing waits for a reboot.
  expect(await vifRates(server.domainName)).toEqual([100]);
  expect(await run(`xenstore-read /local/domain/0/backend/vif/${domid}/0/rate`)).toBe('625000,50000\n');
  expect(await current()).toMatchObject({ pendingReboot: false, limits: { cpuCapPercent: 150, cpuWeight: 512, networkRateMbit: 100 } });

  // Changed again while it runs: live each time.
  await act('PATCH', `/v1/servers/${server.id}/limits`, { networkRateMbit: 50 });
  expect(await vifRates(server.domainName)).toEqual([50]);
  const back = await act('PATCH', `/v1/servers/${server.id}/limits`, { networkRateMbit: 100 });
  expect(back.res.body.network).toBe('live');
  expect(await vifRates(server.domainName)).toEqual([100]);

  // A reboot boots the domain from its config: a new domid, every limit on it.
  await act('POST', `/v1/servers/${server.id}/reboot`);
  expect(await schedRow(server.domainName)).toMatchObject({ weight: 512, cap: 150 });
  expect(await vifRates(server.domainName)).toEqual([100]);
  expect((await current()).pendingReboot).toBe(false);
});

it('lifts a running vif\'s rate live (the xenstore node removed), and sets it again', async () => {
  const cleared = await act('PATCH', `/v1/servers/${server.id}/limits`, { networkRateMbit: null });
  expect(cleared.res.body).toMatchObject({ network: 'live', server: { limits: { networkRateMbit: null } } });
  const domid = (await schedRow(server.domainName))!.domid;
  expect(cleared.job.steps.flatMap((s: { commands?: string[] }) => s.commands ?? [])).toContain(`xenstore-rm /local/domain/0/backend/vif/${domid}/0/rate`);
  expect(await vifRates(server.domainName)).toEqual([null]);
  expect(await run(`cat /etc/xen/${server.domainName}.cfg`)).not.toContain('rate=');
  await act('PATCH', `/v1/servers/${server.id}/limits`, { networkRateMbit: 100 });
  expect(await vifRates(server.domainName)).toEqual([100]);
});

it('keeps the limits through a root switch and a stop and start', async () => {
  await act('POST', `/v1/servers/${server.id}/switch-root`);
  expect(await run(`cat /etc/xen/${server.domainName}.cfg`)).toContain('rate=100Mb/s');
  await act('POST', `/v1/servers/${server.id}/reboot`);
  expect(await schedRow(server.domainName)).toMatchObject({ weight: 512, cap: 150 });
  expect(await vifRates(server.domainName)).toEqual([100]);

  await act('POST', `/v1/servers/${server.id}/stop`, { timeoutSeconds: 5 });
  await act('POST', `/v1/servers/${server.id}/start`);
  expect(await schedRow(server.domainName)).toMatchObject({ weight: 512, cap: 150 });
  expect(await vifRates(server.domainName)).toEqual([100]);
});

it('on a stopped server stores the change for its start; null clears each limit', async () => {
  await act('POST', `/v1/servers/${server.id}/stop`, { timeoutSeconds: 5 });
  const { res } = await act('PATCH', `/v1/servers/${server.id}/limits`, { cpuCapPercent: null, cpuWeight: null, networkRateMbit: null });
  expect(res.body).toMatchObject({ cpu: 'next-boot', network: 'next-boot', server: { limits: { cpuCapPercent: 0, cpuWeight: 256, networkRateMbit: null } } });
  expect(await run(`cat /etc/xen/${server.domainName}.cfg`)).not.toContain('rate=');
  await act('POST', `/v1/servers/${server.id}/start`);
  expect(await schedRow(server.domainName)).toMatchObject({ weight: 256, cap: 0 });
  expect(await vifRates(server.domainName)).toEqual([null]);

  // Only what is sent changes.
  await act('PATCH', `/v1/servers/${server.id}/limits`, { cpuWeight: 1024 });
  expect(await schedRow(server.domainName)).toMatchObject({ weight: 1024, cap: 0 });
  expect((await current()).limits).toEqual({ cpuCapPercent: 0, cpuWeight: 1024, networkRateMbit: null });
});

it('gives back the limits a cancelled request replaced', async () => {
  await stack.stopWorker();
  try {
    const queued = await limits({ cpuCapPercent: 200 });
    expectStatus(queued, 202);
    expect((await current()).limits.cpuCapPercent).toBe(200);
    const cancelled = await operator('POST', `/v1/jobs/${queued.body.job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect((await current()).limits).toEqual({ cpuCapPercent: 0, cpuWeight: 1024, networkRateMbit: null });
  } finally {
    await stack.startWorker();
  }
  expect(await schedRow(server.domainName)).toMatchObject({ weight: 1024, cap: 0 });
});

describe('bad input', () => {
  const TABLES = ['servers', 'jobs', 'pools', 'hosts'];

  it('refuses out-of-range values with 400 naming the field, and changes nothing', async () => {
    const before = await snapshotTables(stack.api.db, TABLES);
    const cases: [unknown, string][] = [
      [{ cpuCapPercent: 201 }, 'cpuCapPercent'], // 2 vCPUs: at most 200
      [{ cpuCapPercent: -1 }, 'cpuCapPercent'],
      [{ cpuCapPercent: 51201 }, 'cpuCapPercent'],
      [{ cpuCapPercent: 12.5 }, 'cpuCapPercent'],
      [{ cpuWeight: 0 }, 'cpuWeight'],
      [{ cpuWeight: 65536 }, 'cpuWeight'],
      [{ cpuWeight: '512' }, 'cpuWeight'],
      [{ networkRateMbit: 0 }, 'networkRateMbit'],
      [{ networkRateMbit: 100001 }, 'networkRateMbit'],
      [{ networkRateMbit: '100Mb/s' }, 'networkRateMbit'],
      [{ cpuWeight: 512, networkRateMbit: -5 }, 'networkRateMbit'],
      [{}, 'cpuCapPercent'],
      [{ rate: 100 }, 'rate'],
    ];
    for (const [body, field] of cases) {
      const res = await limits(body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'validation_failed' });
      expectProblem(res, 400, 'validation_failed');
      expect(problemFields(res)).toContain(field);
    }
    expect(await snapshotTables(stack.api.db, TABLES)).toEqual(before);
  });

  it('answers 409 no_change when nothing would change', async () => {
    const before = await snapshotTables(stack.api.db, TABLES);
    expectProblem(await limits({ cpuWeight: 1024, cpuCapPercent: 0 }), 409, 'no_change');
    expect(await snapshotTables(stack.api.db, TABLES)).toEqual(before);
  });

  it('is an operator route: a customer admin gets 403 and changes nothing', async () => {
    const before = await snapshotTables(stack.api.db, TABLES);
    expectProblem(await limits({ cpuCapPercent: 50 }, tenant.token), 403, 'forbidden');
    expect(await snapshotTables(stack.api.db, TABLES)).toEqual(before);
  });

  it('answers 404 for a server that does not exist', async () => {
    expectProblem(await stack.api.request('PATCH', `/v1/servers/${randomUUID()}/limits`, { body: { cpuWeight: 300 } }), 404, 'not_found');
  });

  it('answers 409 with the allowed actions for a server that is neither running nor stopped', async () => {
    stack.hosts[0]!.sim.fail({ match: 'xl create', count: 1, exitCode: 1, stderr: 'libxl: error: libxl_create.c:1234:domcreate_launch_dm: failed to free memory for the domain\n' });
    const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId) });
    expect((await waitForJob(stack.api, tenant.token, ordered.body.job.id)).status).toBe('failed');
    const res = await stack.api.request('PATCH', `/v1/servers/${ordered.body.server.id}/limits`, { body: { cpuWeight: 300 } });
    expectProblem(res, 409, 'action_not_allowed');
    expect(res.body).toMatchObject({ code: 'action_not_allowed', state: 'failed', action: 'set-limits', allowedActions: ['delete'] });
  });
});

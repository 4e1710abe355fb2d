// Limits follow a server to another host: the move starts it on the target through the same
// boot path (config from the database, xl create, then xl sched-credit2).
import { parseSchedCredit2, parseXlListLong, vifRateMbitOf } from '@carve/xen';
import { SimClient } from '../apps/dom0-sim/src/testing/sim-client';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';

let stack: Stack;
let tenant: TenantWithPool;
const clients = new Map<string, SimClient>();

beforeAll(async () => {
  stack = await startStack({ hosts: 2 });
  tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 100 });
  for (const host of stack.hosts) clients.set(host.id, await SimClient.connect(host.sim.port, host.sim.adminPrivateKey));
});
afterAll(async () => {
  for (const client of clients.values()) {
    const closed = client.closed();
    client.end();
    await closed;
  }
  await stack?.close();
});

async function on(hostId: string, line: string): Promise<string> {
  const result = await clients.get(hostId)!.exec(line);
  if (result.exitCode !== 0) throw new Error(`${line}: exit ${result.exitCode}: ${result.stderr}`);
  return result.stdout;
}

it('keeps cap, weight and vif rate when the server moves to another host', async () => {
  // One small volume: the copy is the move's business, not what this test is about.
  const disks = [{ label: 'root', sizeGiB: 1, filesystem: 'ext4', role: 'root' }];
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { vcpus: 2, maxVcpus: 2, disks }) });
  expectStatus(ordered, 202);
  expect((await waitForJob(stack.api, tenant.token, ordered.body.job.id)).status).toBe('succeeded');
  const { id, domainName, hostId: source } = ordered.body.server as { id: string; domainName: string; hostId: string };

  const limited = await stack.api.request('PATCH', `/v1/servers/${id}/limits`, { body: { cpuCapPercent: 120, cpuWeight: 768, networkRateMbit: 50 } });
  expectStatus(limited, 202);
  expect((await waitForJob(stack.api, tenant.token, limited.body.job.id)).status).toBe('succeeded');

  const target = stack.hosts.find((h) => h.id !== source)!.id;
  const moved = await stack.api.request('POST', `/v1/servers/${id}/move`, { body: { targetHostId: target } });
  expectStatus(moved, 202);
  const job = await waitForJob(stack.api, stack.api.operatorToken, moved.body.job.id, 120_000);
  expect(job.status).toBe('succeeded');
  expect(job.steps.map((s: { name: string }) => s.name)).toContain('on target: apply cpu limits');

  const server = (await stack.api.request('GET', `/v1/servers/${id}`)).body;
  expect(server).toMatchObject({ hostId: target, state: 'running', limits: { cpuCapPercent: 120, cpuWeight: 768, networkRateMbit: 50 } });
  expect(parseSchedCredit2(await on(target, 'xl sched-credit2')).find((e) => e.name === domainName)).toMatchObject({ weight: 768, cap: 120 });
  expect(parseXlListLong(await on(target, 'xl list -l')).find((d) => d.name === domainName)?.nics.map(vifRateMbitOf)).toEqual([50]);
  expect(await on(target, `cat /etc/xen/${domainName}.cfg`)).toContain('rate=50Mb/s');
  expect(parseSchedCredit2(await on(source, 'xl sched-credit2')).find((e) => e.name === domainName)).toBeUndefined();
}, 180_000);

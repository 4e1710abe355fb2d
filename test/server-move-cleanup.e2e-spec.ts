// A move whose cleanup fails for good: the server runs on its new host, the old host keeps what
// the leftovers take (its reservation for the server), the move says why and an operator event
// names what is held. Real HTTP, the worker, two simulated Dom0s over SSH.
import { DOMAIN_OVERHEAD_MIB } from '@carve/servers';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';

let stack: Stack;
let tenant: TenantWithPool;

const SMALL_DISKS = [{ label: 'root', sizeGiB: 1, filesystem: 'ext4', role: 'root' }];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API JSON
type Json = any;

beforeAll(async () => {
  stack = await startStack({ hosts: 2, env: { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '300', RECONCILE_INTERVAL_SECONDS: '0', METERING_INTERVAL_SECONDS: '0' } });
  tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 50 });
});
afterAll(() => stack?.close());

async function hostRow(hostId: string): Promise<number[]> {
  const [row] = await stack.api.db.query('SELECT ARRAY[allocated_memory_mib, allocated_vcpus, allocated_disk_gib, server_count] AS a FROM hosts WHERE id = $1', [hostId]);
  return row.a;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('keeps the source reservation when the source cannot be cleaned, and says so', async () => {
  const ordered = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { disks: SMALL_DISKS, maxMemoryMiB: 1024, maxVcpus: 1 }) });
  expectStatus(ordered, 202);
  expect((await waitForJob(stack.api, tenant.token, ordered.body.job.id)).status).toBe('succeeded');
  const server = ordered.body.server;
  const source = stack.hosts.find((h) => h.id === server.hostId)!;
  const target = stack.hosts.find((h) => h.id !== server.hostId)!;
  const [sourceBefore, targetBefore] = [await hostRow(source.id), await hostRow(target.id)];
  const share = [server.memoryMiB + DOMAIN_OVERHEAD_MIB, server.vcpus, 1, 1];
  const [poolBefore] = await stack.api.db.query('SELECT allocated_memory_mib, allocated_vcpus, allocated_disk_gib, server_count FROM pools WHERE id = $1', [tenant.poolId]);

  // The source's lvremove fails whenever it is tried: the move switches, then nobody can remove the old volume.
  source.sim.fail({ match: 'lvremove', exitCode: 5, stderr: `  Logical volume vg0/${server.domainName}-root in use.` });
  const moved = await stack.api.request('POST', `/v1/servers/${server.id}/move`, { body: { targetHostId: target.id } });
  expectStatus(moved, 202);
  await waitForJob(stack.api, stack.api.operatorToken, moved.body.job.id, 480_000);

  const cleanup = await until('the cleanup job to fail for good', async () => {
    const jobs = (await stack.api.request('GET', `/v1/jobs?hostId=${source.id}&limit=100`, {})).body.items as Json[];
    const found = jobs.find((j) => j.type === 'server.move-cleanup' && j.serverId === server.id);
    return found && ['failed', 'succeeded'].includes(found.status) ? found : undefined;
  });
  expect(cleanup.status).toBe('failed');
  const kept = cleanup.steps.find((s: Json) => s.name === 'keep reservation of the leftovers');
  expect(kept).toMatchObject({ status: 'succeeded' });
  expect(kept.note).toMatch(new RegExp(`^cleanup of ${source.sim.name} failed for good \\(.*\\); ${source.sim.name} keeps the server's reservation \\(${server.memoryMiB} MiB, ${server.vcpus} vCPUs, 1 GiB\\)`));

  // The server runs on the target only; its old volume is still on the source, which still counts it.
  expect((await stack.api.request('GET', `/v1/servers/${server.id}`, {})).body).toMatchObject({ hostId: target.id, state: 'running' });
  expect(target.sim.state.domains.map((d) => d.name)).toContain(server.domainName);
  expect(source.sim.state.domains.map((d) => d.name)).not.toContain(server.domainName);
  expect(source.sim.state.vg.lvs.map((v) => v.name)).toContain(`${server.domainName}-root`);
  expect(await hostRow(source.id)).toEqual(sourceBefore);
  expect(await hostRow(target.id)).toEqual(targetBefore.map((v, i) => v + share[i]!));
  const [poolAfter] = await stack.api.db.query('SELECT allocated_memory_mib, allocated_vcpus, allocated_disk_gib, server_count FROM pools WHERE id = $1', [tenant.poolId]);
  expect(poolAfter).toEqual(poolBefore);

  const [move] = await stack.api.db.query('SELECT status, error FROM server_moves WHERE id = $1', [moved.body.move.id]);
  expect(move.status).toBe('switched');
  expect(move.error).toMatch(/failed for good/);
  const events = (await stack.api.request('GET', '/v1/events?kind=server.move.cleanup_failed&limit=100', {})).body.items as Json[];
  expect(events).toEqual([
    expect.objectContaining({
      customerId: null,
      subjectType: 'server',
      subjectId: server.id,
      data: expect.objectContaining({ moveId: moved.body.move.id, jobId: cleanup.id, hostId: source.id, serverHostId: target.id, held: { memoryMiB: server.memoryMiB, vcpus: server.vcpus, diskGiB: 1 } }),
    }),
  ]);
  // Operator only.
  expect((await stack.api.request('GET', '/v1/events?kind=server.move.cleanup_failed', { token: tenant.token })).body.items).toEqual([]);
}, 600_000);

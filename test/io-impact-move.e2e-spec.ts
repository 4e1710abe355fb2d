// Acting on the IO impact report: the offender is moved off its host (POST /v1/servers/:id/move,
// the real worker and two simulated Dom0s over SSH), and the next window on the old host shows
// no contention while its IO goes with it to the new host. The simulator runs 60x real time:
// a collection every second is one every simulated minute; it starts 12 simulated hours back so
// that a slow copy (minutes of real time, hours simulated) keeps its clock behind the API's.
import { collectEveryHost } from './support/metering-rounds';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, waitForJob } from './support/stack';

const INTERVAL_MS = 60_000;
const STEP_MS = 60_000;
const SMALL_DISKS = [{ label: 'root', sizeGiB: 1, filesystem: 'ext4', role: 'root' }];

let stack: Stack;
let crowded: string;
let spare: string;

interface Placed {
  serverId: string;
  domainName: string;
}
let noisy: Placed;
let quiet: Placed;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API JSON
type Json = any;

const simOf = (hostId: string) => stack.hosts.find((h) => h.id === hostId)!.sim;

/** `count` collections of every host, one simulated minute apart. */
const collect = (count: number) => collectEveryHost(stack, count, INTERVAL_MS);

async function serverOnCrowded(name: string): Promise<Placed> {
  const tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 50 });
  const order = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name, disks: SMALL_DISKS }) });
  expectStatus(order, 202);
  expect((await waitForJob(stack.api, tenant.token, order.body.job.id)).status).toBe('succeeded');
  expect(order.body.server.hostId).toBe(crowded);
  return { serverId: order.body.server.id, domainName: order.body.server.domainName };
}

async function report(hostId: string, from?: number): Promise<Json> {
  const res = await stack.api.request('GET', `/v1/hosts/${hostId}/io-impact${from === undefined ? '' : `?from=${new Date(from).toISOString()}`}`, {});
  expectStatus(res, 200);
  return res.body;
}

beforeAll(async () => {
  stack = await startStack({ hosts: 2, sim: { startAt: Date.now() / 1000 - 12 * 3600 }, env: { METERING_INTERVAL_SECONDS: '0', IO_DOMINANCE_INTERVAL_SECONDS: '0' } });
  [crowded, spare] = stack.hosts.map((h) => h.id) as [string, string];
  // Both on one host: the other takes nothing new while they are placed.
  expectStatus(await stack.api.request('PATCH', `/v1/hosts/${spare}`, { body: { status: 'maintenance' } }), 200);
  noisy = await serverOnCrowded('noisy');
  quiet = await serverOnCrowded('quiet');
  expectStatus(await stack.api.request('PATCH', `/v1/hosts/${spare}`, { body: { status: 'active' } }), 200);

  expect(simOf(crowded).setWorkload(quiet.domainName, 'web')).toBe(true);
  await collect(5);
  expect(simOf(crowded).setWorkload(noisy.domainName, 'io-heavy')).toBe(true);
  await collect(6);
}, 120_000);
afterAll(() => stack?.close());

it('after the offender moves, the next window on its old host shows no contention, and its IO is on the new host', async () => {
  const before = await report(crowded);
  expect(before.offenders[0]).toMatchObject({ rank: 1, serverId: noisy.serverId });
  expect(before.contentionWindows.some((w: Json) => w.harmful && w.victims.some((v: Json) => v.serverId === quiet.serverId))).toBe(true);
  // The spare host has room (its IO fit is judged apart: the offender alone would fill a shared host).
  const candidate = before.offenders[0].recommendation.candidateHosts.find((c: Json) => c.hostId === spare);
  expect(candidate.shortOf.filter((s: string) => /memory|disk:|vCPUs/.test(s))).toEqual([]);

  const moved = await stack.api.request('POST', `/v1/servers/${noisy.serverId}/move`, { body: {} });
  expectStatus(moved, 202);
  expect(moved.body.move.targetHostId).toBe(spare);
  expect((await waitForJob(stack.api, stack.api.operatorToken, moved.body.job.id, 480_000)).status).toBe('succeeded');
  expect((await stack.api.request('GET', `/v1/servers/${noisy.serverId}`, {})).body.hostId).toBe(spare);
  // The guest's ETL keeps running where it now lives.
  expect(simOf(spare).setWorkload(noisy.domainName, 'io-heavy')).toBe(true);
  expect(simOf(crowded).state.domains.map((d) => d.name)).not.toContain(noisy.domainName);

  // The first reading after the move spans the copy (the offender ran until it was stopped); the next window starts after it.
  await collect(1);
  const next = Math.ceil((simOf(crowded).now() * 1000) / STEP_MS) * STEP_MS;
  await collect(6);

  const oldHost = await report(crowded, next);
  expect(oldHost.contentionWindows).toEqual([]);
  expect(oldHost.offenders).toEqual([]);
  expect(oldHost.host.busyPercent.p95).toBeLessThan(90);
  expect(oldHost.servers.map((s: Json) => s.serverId)).toEqual([quiet.serverId]);
  expect(oldHost.servers[0].requests).toBeGreaterThan(0);

  // The whole span: the old host's contention ended with the move.
  const whole = await report(crowded);
  expect(whole.offenders[0].serverId).toBe(noisy.serverId);
  for (const w of whole.contentionWindows) expect(Date.parse(w.to)).toBeLessThanOrEqual(next);

  // On its new host the offender contends with nobody: windows, but no victims and no offender.
  const newHost = await report(spare, next);
  expect(newHost.contentionWindows.length).toBeGreaterThanOrEqual(1);
  expect(newHost.contentionWindows.every((w: Json) => w.consumers[0].serverId === noisy.serverId && !w.harmful)).toBe(true);
  expect(newHost.offenders).toEqual([]);
  // Usage before and after the move belongs to the same server, each part to the host it ran on.
  const customer = (await stack.api.request('GET', `/v1/servers/${noisy.serverId}`, {})).body.customerId;
  const across = await stack.api.request('GET', `/v1/customers/${customer}/io-impact`, {});
  expectStatus(across, 200);
  expect(across.body.hosts.map((h: Json) => h.hostId).sort()).toEqual([crowded, spare].sort());
}, 600_000);

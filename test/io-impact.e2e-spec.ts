// The IO impact report end to end: simulated Dom0s over real SSH whose disks contend
// (an io-heavy domain saturates the default 250 IOPS mirror and everyone's time per
// request rises), the collector in the worker app, the report through the HTTP API.
// The simulator runs 60x real time, so a reading every second is a reading every simulated minute.
import { countersOf, UsageIngest } from '@carve/metering';
import { IoDominanceScheduler } from '../apps/worker/src/io-fairness/io-dominance.scheduler';
import { collectEveryHost } from './support/metering-rounds';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';
import { expectProblem } from './support/problem-assertions';

const INTERVAL_MS = 60_000;
let stack: Stack;
let crowded: string;
let spare: string;

interface Tenant extends TenantWithPool {
  serverId: string;
  domainName: string;
  name: string;
}
let noisy: Tenant;
let quiet1: Tenant;
let quiet2: Tenant;
let nightly: Tenant;


/** `count` collections of every host, one simulated minute apart. */
const collect = (count: number) => collectEveryHost(stack, count, INTERVAL_MS);

function workload(tenant: Tenant, profile: 'idle' | 'web' | 'io-heavy'): void {
  expect(stack.hosts.find((h) => h.id === crowded)!.sim.setWorkload(tenant.domainName, profile)).toBe(true);
}

async function tenantWithServer(name: string): Promise<Tenant> {
  const tenant = await customerWithPool(stack.api, { memoryMiB: 8192, vcpus: 8, diskGiB: 200 });
  const order = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name }) });
  expectStatus(order, 202);
  expect((await waitForJob(stack.api, tenant.token, order.body.job.id)).status).toBe('succeeded');
  expect(order.body.server.hostId).toBe(crowded);
  return { ...tenant, serverId: order.body.server.id, domainName: order.body.server.domainName, name };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API JSON
type Json = any;
let report: Json;

beforeAll(async () => {
  stack = await startStack({ hosts: 2, sim: { startAt: Date.now() / 1000 - 3 * 3600 }, env: { METERING_INTERVAL_SECONDS: '0', IO_DOMINANCE_INTERVAL_SECONDS: '0' } });
  [crowded, spare] = stack.hosts.map((h) => h.id) as [string, string];
  // Everyone on one host: the other takes nothing new while they are placed.
  expectStatus(await stack.api.request('PATCH', `/v1/hosts/${spare}`, { body: { status: 'maintenance' } }), 200);
  noisy = await tenantWithServer('noisy');
  quiet1 = await tenantWithServer('quiet1');
  quiet2 = await tenantWithServer('quiet2');
  nightly = await tenantWithServer('nightly');
  expectStatus(await stack.api.request('PATCH', `/v1/hosts/${spare}`, { body: { status: 'active' } }), 200);

  // Daytime: two web servers, quiet disks (their baseline).
  workload(quiet1, 'web');
  workload(quiet2, 'web');
  await collect(8);
  // The noisy neighbour saturates the disks while the web servers work.
  workload(noisy, 'io-heavy');
  await collect(12);
  workload(noisy, 'idle');
  await collect(4);
  // Quiet hours: the web servers idle, and only then does the nightly job hammer the disks.
  workload(quiet1, 'idle');
  workload(quiet2, 'idle');
  workload(nightly, 'io-heavy');
  await collect(12);
  workload(nightly, 'idle');
  await collect(3);

  const res = await stack.api.request('GET', `/v1/hosts/${crowded}/io-impact`, {});
  expectStatus(res, 200);
  report = res.body;
}, 240_000);
afterAll(() => stack?.close());

describe('the host report', () => {
  it('lists every server with its customer, IO, latency, shares and out-of-request events', () => {
    const byId = new Map<string, Json>(report.servers.map((s: Json) => [s.serverId, s]));
    for (const t of [noisy, quiet1, quiet2, nightly]) {
      const row = byId.get(t.serverId);
      expect(row).toMatchObject({ customerId: t.customerId, serverName: t.name, domainName: t.domainName });
      for (const key of ['readIops', 'writeIops', 'readMBps', 'writeMBps', 'msPerRead', 'msPerWrite', 'msPerRequest']) {
        expect(row[key].avg).toBeGreaterThanOrEqual(0);
        expect(row[key].p95).toBeGreaterThanOrEqual(row[key].avg * 0.5);
      }
      expect(row.ooRequests).toBeGreaterThanOrEqual(0);
    }
    expect(byId.get(noisy.serverId).writeIops.p95).toBeGreaterThan(5 * byId.get(quiet1.serverId).writeIops.p95);
    expect(byId.get(noisy.serverId).shareOfDiskBusy).toBeGreaterThan(byId.get(quiet1.serverId).shareOfDiskBusy * 5);
    const shares = report.servers.reduce((s: number, r: Json) => s + r.shareOfHostRequests, 0);
    expect(shares).toBeCloseTo(1, 1);
    expect(report.servers.reduce((s: number, r: Json) => s + r.shareOfDiskBusy, 0)).toBeCloseTo(1, 1);
    expect(report.host.busyPercent.p95).toBeGreaterThan(90);
    expect(report.rules.busyThresholdPercent).toBe(90);
  });

  it('ranks the io-heavy server first as the offender and names its neighbours as victims', () => {
    expect(report.offenders[0]).toMatchObject({ rank: 1, serverId: noisy.serverId, customerId: noisy.customerId });
    expect(report.offenders[0].victims.map((v: Json) => v.serverId)).toEqual(expect.arrayContaining([quiet1.serverId, quiet2.serverId]));
    const harmful = report.contentionWindows.filter((w: Json) => w.harmful);
    expect(harmful.length).toBeGreaterThanOrEqual(1);
    for (const w of harmful) {
      expect(w.reasons).toContain('disks-busy');
      expect(w.consumers[0].serverId).toBe(noisy.serverId);
    }
    const victims = new Set(harmful.flatMap((w: Json) => w.victims.map((v: Json) => v.serverId)));
    expect(victims.has(quiet1.serverId) && victims.has(quiet2.serverId)).toBe(true);
    expect(victims.has(noisy.serverId)).toBe(false);
    const victim = harmful.flatMap((w: Json) => w.victims).find((v: Json) => v.serverId === quiet1.serverId);
    expect(victim.reasons).toContain('latency');
    expect(victim.latencyFactor).toBeGreaterThanOrEqual(2);
    expect(victim.msPerRequest).toBeGreaterThan(victim.baselineMsPerRequest);
  });

  it('does not rank a server that was busy only while nobody else needed the disks', () => {
    expect(report.offenders.map((o: Json) => o.serverId)).not.toContain(nightly.serverId);
    // Its window is there, marked as contention nobody suffered from.
    const own = report.contentionWindows.filter((w: Json) => w.consumers[0]?.serverId === nightly.serverId);
    expect(own.length).toBeGreaterThanOrEqual(1);
    expect(own.every((w: Json) => !w.harmful && w.victims.length === 0)).toBe(true);
    const row = report.servers.find((s: Json) => s.serverId === nightly.serverId);
    expect(row.contention.rank).toBeNull();
    // Its raw totals are as large as the offender's: totals are not what ranks.
    const noisyRow = report.servers.find((s: Json) => s.serverId === noisy.serverId);
    expect(row.requests).toBeGreaterThan(noisyRow.requests * 0.5);
  });

  it('recommends hosts with room, a dedicated host when its IO alone fills one, and says which limits exist', () => {
    const advice = report.offenders[0].recommendation;
    const candidate = advice.candidateHosts.find((c: Json) => c.hostId === spare);
    expect(candidate).toBeDefined();
    expect(candidate.free.memoryMiB).toBeGreaterThan(1024);
    expect(candidate.shortOf.filter((s: string) => /memory|disk:|vCPUs/.test(s))).toEqual([]);
    expect(candidate.io.basis).toBe('disk-busy-time');
    expect(advice.candidateHosts.map((c: Json) => c.hostId)).not.toContain(crowded);
    expect(advice.dedicatedHost.recommended).toBe(true);
    expect(advice.limits.diskIo.available).toBe(false);
    expect(advice.limits.cpu.command).toContain(`xl sched-credit2 -d ${noisy.domainName}`);
    expect(advice.limits.network.setting).toContain('rate=');
    expect(report.noDiskIoLimit).toMatch(/Xen has no native per-domain disk IO limit/);
  });
});

describe('the customer report', () => {
  it('shows where a customer suffered and who caused it', async () => {
    const res = await stack.api.request('GET', `/v1/customers/${quiet1.customerId}/io-impact`, {});
    expectStatus(res, 200);
    const [onHost] = res.body.hosts;
    expect(onHost.hostId).toBe(crowded);
    expect(onHost.servers.map((s: Json) => s.serverId)).toEqual([quiet1.serverId]);
    expect(onHost.offenders).toEqual([]);
    expect(onHost.suffered.length).toBeGreaterThanOrEqual(1);
    expect(onHost.suffered[0].causedBy[0].serverId).toBe(noisy.serverId);
  });

  it('shows the offender its rank, with recommendations', async () => {
    const res = await stack.api.request('GET', `/v1/customers/${noisy.customerId}/io-impact`, {});
    expectStatus(res, 200);
    expect(res.body.hosts[0].offenders[0]).toMatchObject({ serverId: noisy.serverId, rank: 1 });
    expect(res.body.hosts[0].offenders[0].recommendation.dedicatedHost.recommended).toBe(true);
    const night = await stack.api.request('GET', `/v1/customers/${nightly.customerId}/io-impact`, {});
    expect(night.body.hosts[0].offenders).toEqual([]);
  });
});

describe('the graph', () => {
  it('is an SVG of IO per server with the contention shaded', async () => {
    const res = await stack.api.request('GET', `/v1/hosts/${crowded}/io-impact.svg`, {});
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^image\/svg\+xml/);
    expect(res.text.startsWith('<svg')).toBe(true);
    for (const name of ['noisy', 'quiet1', 'quiet2', 'nightly', 'contention']) expect(res.text).toContain(name);
  });
});

describe('per-host rules', () => {
  it('starts from the defaults and refuses bad values naming the field', async () => {
    const res = await stack.api.request('GET', `/v1/hosts/${crowded}/io-policy`, {});
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ busyThresholdPercent: 90, capacityMode: 'none', custom: false });
    for (const [body, field] of [
      [{ busyThresholdPercent: 101 }, 'busyThresholdPercent'],
      [{ busyThresholdPercent: 0 }, 'busyThresholdPercent'],
      [{ capacityMode: 'fixed' }, 'capacityIops'],
      [{ capacityMode: 'sometimes' }, 'capacityMode'],
      [{ busyThresholdPercent: null }, 'busyThresholdPercent'],
    ] as const) {
      const problem = expectProblem(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body }), 400, 'validation_failed');
      expect((problem.fields as { field: string }[]).map((f) => f.field)).toContain(field);
    }
  });

  it('applies a host\'s threshold and capacity baseline to its report', async () => {
    const patch = await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { busyThresholdPercent: 100 } });
    expectStatus(patch, 200);
    expect(patch.body).toMatchObject({ busyThresholdPercent: 100, custom: true });
    const lenient = await stack.api.request('GET', `/v1/hosts/${crowded}/io-impact`, {});
    expect(lenient.body.contentionWindows.filter((w: Json) => w.reasons.includes('disks-busy'))).toEqual([]);
    expect(lenient.body.offenders).toEqual([]);

    const noisyIops = report.servers.find((s: Json) => s.serverId === noisy.serverId).writeIops.p95;
    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { capacityMode: 'fixed', capacityIops: Math.floor(noisyIops / 2) } }), 200);
    const capped = await stack.api.request('GET', `/v1/hosts/${crowded}/io-impact`, {});
    expect(capped.body.rules.capacityBaseline).toMatchObject({ mode: 'fixed', iops: Math.floor(noisyIops / 2) });
    expect(capped.body.contentionWindows.some((w: Json) => w.reasons.includes('iops-over-baseline'))).toBe(true);
    expect(capped.body.offenders[0].serverId).toBe(noisy.serverId);

    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { busyThresholdPercent: 90, capacityMode: 'none', capacityIops: null } }), 200);
  });

  it('sets how long one server may dominate before host.io.dominated, and the dominance check goes by it', async () => {
    for (const value of [0, 1441, 2.5, null, 'ten']) {
      const problem = expectProblem(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { dominanceMinutes: value } }), 400, 'validation_failed');
      expect([...new Set((problem.fields as { field: string }[]).map((f) => f.field))]).toEqual(['dominanceMinutes']);
    }
    expect((await stack.api.request('GET', `/v1/hosts/${crowded}/io-policy`, {})).body.dominanceMinutes).toBe(15);
    // How long each window was dominated depends on how fast this machine collected (a simulated minute per collection and real second):
    // the policy is set just above and then at the noisy server's window.
    const windows = (await stack.api.request('GET', `/v1/hosts/${crowded}/io-impact`, {})).body.contentionWindows as Json[];
    const dominated = windows.filter((w) => w.consumers[0]?.shareOfDiskTime >= 0.5).map((w) => ({ serverId: w.consumers[0].serverId, minutes: (Date.parse(w.to) - Date.parse(w.from)) / 60_000 }));
    const noisyMinutes = Math.max(...dominated.filter((d) => d.serverId === noisy.serverId).map((d) => d.minutes));
    const longest = Math.max(...dominated.map((d) => d.minutes));
    expect(noisyMinutes).toBeGreaterThanOrEqual(5);

    const scheduler = stack.worker!.get(IoDominanceScheduler);
    const interval = Math.floor(Date.now() / 300_000);
    const onCrowded = async (i: number) => (await scheduler.run(i, 300_000)).raised.filter((r) => r.hostId === crowded);
    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { dominanceMinutes: longest + 1 } }), 200);
    expect(await onCrowded(interval)).toEqual([]);

    const patch = await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { dominanceMinutes: noisyMinutes } });
    expectStatus(patch, 200);
    expect(patch.body).toMatchObject({ dominanceMinutes: noisyMinutes, busyThresholdPercent: 90, custom: true });
    expect((await stack.api.request('GET', `/v1/hosts/${crowded}/io-policy`, {})).body.dominanceMinutes).toBe(noisyMinutes);
    const raised = await onCrowded(interval + 1);
    expect(raised.map((r) => r.serverId)).toContain(noisy.serverId);
    const events = (await stack.api.request('GET', '/v1/events?kind=host.io.dominated&limit=100', {})).body.items as Json[];
    const noisyEvent = events.find((e) => e.subjectId === crowded && e.data.serverId === noisy.serverId);
    expect((Date.parse(noisyEvent.data.to) - Date.parse(noisyEvent.data.from)) / 60_000).toBe(noisyMinutes);

    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { dominanceMinutes: 15 } }), 200);
  });
});

describe('bad input and access', () => {
  const hour = 3_600_000;
  it.each([
    ['from=yesterday', 'query.from'],
    ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'query.to'],
    [`from=${new Date(Date.now() + 2 * hour).toISOString()}`, 'query.from'],
    [`to=${new Date(Date.now() + 2 * hour).toISOString()}`, 'query.to'],
    [`from=${new Date(Date.now() - 72 * hour).toISOString()}`, 'query.from'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    for (const url of [`/v1/hosts/${crowded}/io-impact?${query}`, `/v1/hosts/${crowded}/io-impact.svg?${query}`, `/v1/customers/${noisy.customerId}/io-impact?${query}`]) {
      const problem = expectProblem(await stack.api.request('GET', url, {}), 400, 'validation_failed');
      expect((problem.fields as { field: string }[]).map((f) => f.field)).toEqual([field]);
    }
  });

  it('is for operators only, and 404s for what does not exist', async () => {
    for (const url of [`/v1/hosts/${crowded}/io-impact`, `/v1/hosts/${crowded}/io-impact.svg`, `/v1/customers/${noisy.customerId}/io-impact`, `/v1/hosts/${crowded}/io-policy`]) {
      expectProblem(await stack.api.request('GET', url, { token: noisy.token }), 403, 'forbidden');
    }
    expectProblem(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { token: noisy.token, body: { busyThresholdPercent: 50 } }), 403, 'forbidden');
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const url of [`/v1/hosts/${missing}/io-impact`, `/v1/customers/${missing}/io-impact`, `/v1/hosts/${missing}/io-policy`]) {
      expectProblem(await stack.api.request('GET', url, {}), 404, 'not_found');
    }
  });
});

describe('a learned capacity baseline', () => {
  it('needs history, then is a percentile of the host\'s own 5-minute totals', async () => {
    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { capacityMode: 'learned', learnedPercentile: 50 } }), 200);
    const young = await stack.api.request('GET', `/v1/hosts/${crowded}/io-impact`, {});
    expectStatus(young, 200);
    expect(young.body.rules.capacityBaseline).toMatchObject({ mode: 'learned', iops: null, learnedPercentile: 50 });
    expect(young.body.rules.capacityBaseline.learnedFromBuckets).toBeLessThan(24);
    expect(young.body.rules.capacityBaseline.note).toMatch(/not enough history/);

    // Three hours of history at exactly 100 IOPS, most of what the host has seen: the median is 100.
    const start = Math.floor((Date.now() - 20 * 3_600_000) / 300_000) * 300_000;
    const spans = Array.from({ length: 36 }, (_, i) => ({
      from: start + i * 300_000,
      to: start + (i + 1) * 300_000,
      kind: 'measured' as const,
      memoryMiB: 1024,
      usage: countersOf((c) => (c === 'readRequests' || c === 'writeRequests' ? 15_000 : c === 'readBytes' || c === 'writeBytes' ? 15_000 * 4096 : 0)),
    }));
    expect(await stack.worker!.get(UsageIngest).ingestSpans([{ server: { id: quiet1.serverId, customerId: quiet1.customerId, poolId: quiet1.poolId }, hostId: crowded, spans }])).toBe(36);
    const learned = await stack.api.request('GET', `/v1/hosts/${crowded}/io-impact`, {});
    expect(learned.body.rules.capacityBaseline.learnedFromBuckets).toBeGreaterThanOrEqual(36);
    expect(learned.body.rules.capacityBaseline.iops).toBeCloseTo(100, 0);
    expect(learned.body.contentionWindows.some((w: Json) => w.reasons.includes('iops-over-baseline'))).toBe(true);
    expect(learned.body.offenders[0].serverId).toBe(noisy.serverId);
    expectStatus(await stack.api.request('PATCH', `/v1/hosts/${crowded}/io-policy`, { body: { capacityMode: 'none', learnedPercentile: null } }), 200);
  });
});

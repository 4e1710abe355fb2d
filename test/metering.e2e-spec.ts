// Metering end to end: simulated Dom0s over real SSH, the collector in the worker app,
// usage in PostgreSQL, graphs through the HTTP API. The simulator runs 60x real time, so
// a reading every second is a reading every simulated minute.
import type { Host } from '@carve/inventory';
import { HostRepository } from '@carve/inventory';
import { NestFactory } from '@nestjs/core';
import { COUNTER_COLUMNS, HostCollector, USAGE_COUNTERS, UsageIngest } from '@carve/metering';
import { MeteredServers } from '@carve/servers';
import { run, SshConnectionPool } from '@carve/xen';
import { CollectionScheduler } from '../apps/worker/src/metering/collection.scheduler';
import { PooledMeteringDom0 } from '../apps/worker/src/metering/metering.providers';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { customerWithPool, expectStatus, orderBody, Stack, startStack, TenantWithPool, waitForJob } from './support/stack';
import { expectProblem } from './support/problem-assertions';
import { createCustomer } from './support/fixtures';

const INTERVAL_MS = 60_000;
let stack: Stack;
let tenant: TenantWithPool;
let servers: { id: string; domainName: string; hostId: string }[];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function host(id: string): Promise<Host> {
  return (await stack.worker!.get(HostRepository).findById(id))!;
}

/** One collection of every host, as the scheduler does it; returns the outcomes. */
async function collectAll(): Promise<string[]> {
  const collector = stack.worker!.get(HostCollector);
  return Promise.all(stack.hosts.map(async (h) => (await collector.collect(await host(h.id), INTERVAL_MS)).status));
}

/** A command on a simulated host over SSH, as an operator would type it. */
async function onHost(hostId: string, line: string, stdin?: string): Promise<void> {
  const h = stack.hosts.find((x) => x.id === hostId)!;
  const pool = new SshConnectionPool();
  try {
    await run(pool, { hostId, address: '127.0.0.1', port: h.sim.port, username: 'root', privateKey: h.sim.adminPrivateKey, expectedHostKeyFingerprint: h.sim.hostKeyFingerprint }, { line, description: line, ...(stdin !== undefined ? { stdin } : {}) });
  } finally {
    await pool.close();
  }
}

async function sums(table: string, serverId: string): Promise<Record<string, string>> {
  const time = table === 'usage_samples' ? 'interval_start' : 'bucket_start';
  const [row] = await stack.api.db.query(`SELECT ${USAGE_COUNTERS.map((c) => `coalesce(sum(${COUNTER_COLUMNS[c]}), 0)::text AS "${c}"`).join(', ')}, count(*)::int AS rows FROM ${table} WHERE server_id = $1 AND ${time} > now() - interval '10 years'`, [serverId]);
  const { rows: _rows, ...counters } = row;
  return counters;
}

beforeAll(async () => {
  // The simulated clock runs 60x and starts 3 hours back, so its readings stay in the API's past for the whole file.
  stack = await startStack({ hosts: 2, sim: { startAt: Date.now() / 1000 - 3 * 3600 }, env: { METERING_INTERVAL_SECONDS: '0' } });
  tenant = await customerWithPool(stack.api, { memoryMiB: 16384, vcpus: 16, diskGiB: 400, transferGB: 1000 });
  servers = [];
  for (let i = 0; i < 3; i++) {
    const order = await stack.api.request('POST', '/v1/servers', { token: tenant.token, body: orderBody(stack, tenant.poolId, { name: `meter${i}` }) });
    expectStatus(order, 202);
    expect((await waitForJob(stack.api, tenant.token, order.body.job.id)).status).toBe('succeeded');
    servers.push({ id: order.body.server.id, domainName: order.body.server.domainName, hostId: order.body.server.hostId });
  }
  const noisy = servers[0]!;
  expect(stack.hosts.find((h) => h.id === noisy.hostId)!.sim.setWorkload(noisy.domainName, 'io-heavy')).toBe(true);
}, 120_000);
afterAll(() => stack?.close());

describe('collecting', () => {
  it('reads every host in one round trip and turns counters into usage spans per server', async () => {
    for (let i = 0; i < 4; i++) {
      expect(await collectAll()).toEqual(['collected', 'collected']);
      await sleep(1000);
    }
    for (const server of servers) {
      const rows = await stack.api.db.query(`SELECT interval_start, interval_end, kind, cpu_ms, net_out_bytes FROM usage_samples WHERE server_id = $1 ORDER BY interval_start`, [server.id]);
      expect(rows.length).toBeGreaterThanOrEqual(4);
      // Contiguous: each span starts where the previous ended, on the Dom0's clock.
      for (let k = 1; k < rows.length; k++) expect(new Date(rows[k].interval_start).getTime()).toBe(new Date(rows[k - 1].interval_end).getTime());
      expect(rows.every((r: { kind: string }) => r.kind === 'measured')).toBe(true);
      expect(rows.every((r: { cpu_ms: string }) => Number(r.cpu_ms) >= 0)).toBe(true);
    }
  }, 60_000);

  it('keeps raw, 5-minute, hourly and daily sums of every counter equal', async () => {
    for (const server of servers) {
      const raw = await sums('usage_samples', server.id);
      expect(Number(raw.cpuMs)).toBeGreaterThan(0);
      for (const table of ['usage_5m', 'usage_1h', 'usage_1d']) expect({ table, sums: await sums(table, server.id) }).toEqual({ table, sums: raw });
    }
  });

  it('shows the io-heavy server far above its neighbours on disk', async () => {
    const [noisy, ...quiet] = await Promise.all(servers.map((s) => sums('usage_samples', s.id)));
    for (const q of quiet) expect(Number(noisy!.writeRequests)).toBeGreaterThan(20 * Number(q.writeRequests));
  });

  it('counts the same reading once, however often it is delivered', async () => {
    const h = await host(servers[0]!.hostId);
    const reading = await stack.worker!.get(PooledMeteringDom0).readMetering(h);
    const ingest = stack.worker!.get(UsageIngest);
    const onHost = await stack.worker!.get(MeteredServers).onHost(h.id);
    const first = await ingest.ingestHostReading(h.id, reading, onHost, INTERVAL_MS);
    const before = await sums('usage_samples', servers[0]!.id);
    const again = await ingest.ingestHostReading(h.id, reading, onHost, INTERVAL_MS);
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, spans: 0 });
    expect(await sums('usage_samples', servers[0]!.id)).toEqual(before);
  });
});

describe('faults', () => {
  it('a host unreachable for 10 minutes leaves one gap span, not zeros and no spike', async () => {
    const target = servers[1]!;
    const sim = stack.hosts.find((h) => h.id === target.hostId)!.sim;
    await collectAll();
    sim.drop({ match: '@@xentop', count: 100 });
    for (let i = 0; i < 10; i++) {
      expect((await stack.worker!.get(HostCollector).collect(await host(target.hostId), INTERVAL_MS)).status).toBe('unreachable');
      await sleep(1000);
    }
    sim.clearFaults();
    expect((await stack.worker!.get(HostCollector).collect(await host(target.hostId), INTERVAL_MS)).status).toBe('collected');
    const [gap] = await stack.api.db.query(`SELECT interval_start, interval_end, kind, cpu_ms FROM usage_samples WHERE server_id = $1 ORDER BY interval_start DESC LIMIT 1`, [target.id]);
    expect(gap.kind).toBe('gap');
    const minutes = (new Date(gap.interval_end).getTime() - new Date(gap.interval_start).getTime()) / 60_000;
    expect(minutes).toBeGreaterThan(9);
    // The graph shows the gap as estimated, not as zero, and no point above the server's normal rate.
    const usage = await stack.api.request('GET', `/v1/servers/${target.id}/usage?range=24h`, { token: tenant.token });
    expectStatus(usage, 200);
    const cpu: (number | null)[] = usage.body.series.cpuPercent;
    const estimated: boolean[] = usage.body.estimated;
    expect(estimated.filter(Boolean).length).toBeGreaterThanOrEqual(9);
    expect(cpu.filter((v, i) => estimated[i] && v === 0)).toEqual([]);
    const measured = cpu.filter((v, i): v is number => v !== null && !estimated[i]);
    const maxEstimated = Math.max(...cpu.filter((v, i): v is number => v !== null && estimated[i]));
    expect(maxEstimated).toBeLessThanOrEqual(Math.max(...measured) * 1.5);
  }, 60_000);

  it('a domain rebooted between readings gives no negative or giant delta, and records the loss', async () => {
    const target = servers[2]!;
    await collectAll();
    await sleep(1000);
    const reboot = await stack.api.request('POST', `/v1/servers/${target.id}/reboot`, { token: tenant.token, body: {} });
    expectStatus(reboot, 202);
    expect((await waitForJob(stack.api, tenant.token, reboot.body.job.id)).status).toBe('succeeded');
    await sleep(1000);
    await collectAll();
    const [last] = await stack.api.db.query(`SELECT interval_start, interval_end, cpu_ms FROM usage_samples WHERE server_id = $1 ORDER BY interval_start DESC LIMIT 1`, [target.id]);
    const spanMs = new Date(last.interval_end).getTime() - new Date(last.interval_start).getTime();
    // At most the server's vCPUs for the span: a reboot must not bill its whole lifetime again.
    expect(Number(last.cpu_ms)).toBeGreaterThanOrEqual(0);
    expect(Number(last.cpu_ms)).toBeLessThanOrEqual(2 * spanMs);
    const losses = await stack.api.db.query(`SELECT reason FROM usage_losses WHERE server_id = $1`, [target.id]);
    expect(losses).toEqual([{ reason: 'domain-restarted' }]);
  }, 60_000);

  it('a malformed reading is rejected whole and the previous state kept', async () => {
    const target = servers[0]!;
    const sim = stack.hosts.find((h) => h.id === target.hostId)!.sim;
    await collectAll();
    const before = await stack.api.db.query(`SELECT read_at FROM metering_host_cursors WHERE host_id = $1`, [target.hostId]);
    sim.fail({ match: '@@xentop', count: 1, exitCode: 0, stderr: 'xentop: garbage\n' });
    expect((await stack.worker!.get(HostCollector).collect(await host(target.hostId), INTERVAL_MS)).status).toBe('rejected');
    expect(await stack.api.db.query(`SELECT read_at FROM metering_host_cursors WHERE host_id = $1`, [target.hostId])).toEqual(before);
  });

  it('reports a domain carve does not know as drift', async () => {
    const stray = 'stray-guest';
    await onHost(stack.hosts[0]!.id, `lvcreate -n ${stray} -L 1G vg0`);
    await onHost(stack.hosts[0]!.id, `cat > /etc/xen/${stray}.cfg`, `name = "${stray}"\ntype = "pvh"\nmemory = 256\nvcpus = 1\nkernel = "/var/lib/carve/rescue/vmlinuz"\ndisk = [ 'phy:/dev/vg0/${stray},xvda,w' ]\n`);
    await onHost(stack.hosts[0]!.id, `xl create /etc/xen/${stray}.cfg`);
    await collectAll();
    const findings = await stack.api.request('GET', '/v1/drift-findings?kind=unknown_domain', {});
    expectStatus(findings, 200);
    expect(findings.body.items.map((f: { subject: string }) => f.subject)).toContain(stray);
  });
});

describe('two workers share the hosts', () => {
  it('reads every host exactly once per interval', async () => {
    const second = await NestFactory.createApplicationContext(WorkerModule.forRoot(stack.api.config), { logger: false });
    await second.init();
    try {
      const interval = Math.floor(Date.now() / INTERVAL_MS) + 1_000_000;
      const rounds = await Promise.all([stack.worker!.get(CollectionScheduler).round(interval, INTERVAL_MS), second.get(CollectionScheduler).round(interval, INTERVAL_MS)]);
      expect(rounds[0]!.read + rounds[1]!.read).toBe(stack.hosts.length);
      // The same interval again reads nothing more.
      const again = await stack.worker!.get(CollectionScheduler).round(interval, INTERVAL_MS);
      expect(again.read).toBe(0);
    } finally {
      await second.close();
    }
  });
});

describe('usage through the API', () => {
  it('serves 24 h on one time axis with nulls for gaps, and totals', async () => {
    const res = await stack.api.request('GET', `/v1/servers/${servers[0]!.id}/usage?range=24h`, { token: tenant.token });
    expectStatus(res, 200);
    expect(res.body.stepSeconds).toBe(60);
    expect(res.body.timestamps.length).toBeLessThanOrEqual(1500);
    for (const values of Object.values(res.body.series) as unknown[][]) expect(values.length).toBe(res.body.timestamps.length);
    const cpu: (number | null)[] = res.body.series.cpuPercent;
    expect(cpu.filter((v) => v === null).length).toBeGreaterThan(1000); // the hours before the server existed
    expect(cpu.filter((v) => v !== null).length).toBeGreaterThan(3);
    expect(Number(res.body.totals.cpuSeconds)).toBeGreaterThan(0);
    expect(Number(res.body.totals.gbWritten)).toBeGreaterThan(0);
  });

  it('serves 30 days and a month from rollups, pools summed over servers on two hosts, and hosts for the operator', async () => {
    const month = new Date().toISOString().slice(0, 7);
    for (const query of ['range=30d', `month=${month}`]) {
      const res = await stack.api.request('GET', `/v1/pools/${tenant.poolId}/usage?${query}`, { token: tenant.token });
      expectStatus(res, 200);
      expect(res.body.source).toBe('usage_1h');
      expect(res.body.timestamps.length).toBeLessThanOrEqual(1500);
    }
    const pool = await stack.api.request('GET', `/v1/pools/${tenant.poolId}/usage?range=24h`, { token: tenant.token });
    const each = await Promise.all(servers.map((s) => stack.api.request('GET', `/v1/servers/${s.id}/usage?range=24h`, { token: tenant.token })));
    expect(BigInt(pool.body.totals.bytesOut)).toBe(each.reduce((sum, r) => sum + BigInt(r.body.totals.bytesOut), 0n));
    expect(new Set(servers.map((s) => s.hostId)).size).toBe(2);
    const hostUsage = await stack.api.request('GET', `/v1/hosts/${servers[0]!.hostId}/usage?range=24h`, {});
    expectStatus(hostUsage, 200);
  });

  it('lists each domain on a host with "uses X% of one CPU", busiest first, for operators only', async () => {
    const hostId = servers[0]!.hostId;
    const res = await stack.api.request('GET', `/v1/hosts/${hostId}/cpu`, {});
    expectStatus(res, 200);
    const onIt = servers.filter((s) => s.hostId === hostId).map((s) => s.id);
    expect(res.body.domains.map((d: { serverId: string }) => d.serverId).sort()).toEqual([...onIt].sort());
    for (const d of res.body.domains) {
      expect(d.currentPercent).toBeGreaterThanOrEqual(0);
      expect(d.lifetimePercent).toBeGreaterThanOrEqual(0);
      expect(d.summary).toMatch(/uses [\d.]+% of one CPU now/);
    }
    const current = res.body.domains.map((d: { currentPercent: number }) => d.currentPercent);
    expect(current).toEqual([...current].sort((a: number, b: number) => b - a));
    expect(res.body.totalCurrentPercent).toBeCloseTo(current.reduce((a: number, b: number) => a + b, 0), 0);
    expectProblem(await stack.api.request('GET', `/v1/hosts/${hostId}/cpu`, { token: tenant.token }), 403, 'forbidden');
  });

  it('renders the three graphs as SVG with identical X axes', async () => {
    // One window for the three (range=24h moves with the clock: requests a minute apart would shift their axes).
    const to = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const window = `from=${new Date(to.getTime() - 86_400_000).toISOString()}&to=${to.toISOString()}`;
    const svgs = await Promise.all(
      ['cpu', 'disk', 'net'].map((metric) => stack.api.request('GET', `/v1/servers/${servers[0]!.id}/usage.svg?metric=${metric}&${window}`, { token: tenant.token })),
    );
    // Labels below the plot area (it ends 28 px above the bottom of a 240 px chart) are the X axis.
    const xLabels = (svg: string) =>
      [...svg.matchAll(/<text[^>]*transform="translate\(([\d.]+) ([\d.]+)\)"[^>]*>([^<]*)<\/text>/g)].filter((m) => Number(m[2]) > 212).map((m) => `${m[1]}:${m[3]}`);
    for (const svg of svgs) {
      expect(svg.status).toBe(200);
      expect(String(svg.headers['content-type'])).toMatch(/^image\/svg\+xml/);
      expect(svg.text.startsWith('<svg')).toBe(true);
    }
    expect(xLabels(svgs[0]!.text).length).toBeGreaterThan(5);
    expect(xLabels(svgs[1]!.text)).toEqual(xLabels(svgs[0]!.text));
    expect(xLabels(svgs[2]!.text)).toEqual(xLabels(svgs[0]!.text));
  });

  it.each([
    ['range=7d', 'query.range'],
    ['month=2026-13', 'query.month'],
    ['month=2999-01', 'query.month'],
    ['from=yesterday', 'query.from'],
    ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'query.to'],
    ['from=2999-01-01T00:00:00Z', 'query.from'],
    ['from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.from'],
    ['range=24h&month=2026-11', 'query.month'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const res = await stack.api.request('GET', `/v1/servers/${servers[0]!.id}/usage?${query}`, { token: tenant.token });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect((problem.fields as { field: string }[]).map((f) => f.field)).toEqual([field]);
  });

  it('refuses an unknown metric, and answers 404 for another tenant', async () => {
    expectProblem(await stack.api.request('GET', `/v1/servers/${servers[0]!.id}/usage.svg?metric=ram`, { token: tenant.token }), 400, 'validation_failed');
    const other = await createCustomer(stack.api);
    for (const url of [`/v1/servers/${servers[0]!.id}/usage`, `/v1/servers/${servers[0]!.id}/usage.svg`, `/v1/pools/${tenant.poolId}/usage`, `/v1/pools/${tenant.poolId}/usage.svg`]) {
      expectProblem(await stack.api.request('GET', url, { token: other.adminToken }), 404, 'not_found');
    }
    expectProblem(await stack.api.request('GET', `/v1/hosts/${servers[0]!.hostId}/usage`, { token: other.adminToken }), 403, 'forbidden');
  });
});

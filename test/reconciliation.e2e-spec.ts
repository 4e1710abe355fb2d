import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CarveConfig, ConfigModule } from '@carve/config';
import { CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { generateEd25519KeyPair, startSimHost, type SimHost } from '@carve/dom0-sim';
import { InventoryModule } from '@carve/inventory';
import { JobsModule, ProvisioningQueue } from '@carve/jobs';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { DriftFindingsModule, PassSummary, Reconciler } from '@carve/reconciliation';
import { RedisConnection, RedisModule } from '@carve/redis';
import { domainNameFor, volumeNameFor } from '@carve/servers';
import { createDomain, DOMAIN_CFG, SimClient } from '../apps/dom0-sim/src/testing/sim-client';
import { Dom0Connections } from '../apps/worker/src/provisioning/dom0-connections';
import { ReconcileScheduler } from '../apps/worker/src/reconciliation/reconcile.scheduler';
import { RECONCILIATION_WORKER_PROVIDERS } from '../apps/worker/src/reconciliation/reconciliation.providers';
import { ApiHarness, startApiHarness } from './support/api-harness';
import { createCustomer, createHost, TestCustomer } from './support/fixtures';
import { expectProblem } from './support/problem-assertions';

/** The worker's side of reconciliation (the pass, its SSH probe, the request consumer), as WorkerModule wires it. */
@Module({})
class ReconcilerWorkerTestModule {
  static forRoot(config: CarveConfig): DynamicModule {
    return {
      module: ReconcilerWorkerTestModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule,
        DatabaseModule.forRoot({ entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS }),
        RedisModule,
        InventoryModule,
        JobsModule,
        DriftFindingsModule,
      ],
      providers: [Dom0Connections, ...RECONCILIATION_WORKER_PROVIDERS],
    };
  }
}

interface FindingRow {
  id: string;
  host_id: string;
  kind: string;
  subject: string;
  details: Record<string, unknown>;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
}

let api: ApiHarness;
let worker: INestApplicationContext;
let reconciler: Reconciler;
let queue: ProvisioningQueue;
let sim: SimHost;
let otherSim: SimHost;
let dom0: SimClient;
let keyDir: string;
let customer: TestCustomer;
let poolId: string;
let imageId: string;
let hostA: string;
let hostB: string;
let unreachablePort: number;

/** A TCP port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const shortName = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;

interface InsertedServer {
  id: string;
  domainName: string;
  volumes: string[];
}

/** A server row and its disks as carve would hold them, written straight to the database. */
async function insertServer(hostId: string, state: string, options: { disks?: { label: string; state: string }[]; deletedMinutesAgo?: number } = {}): Promise<InsertedServer> {
  const id = randomUUID();
  const name = shortName('srv');
  const domainName = domainNameFor(name, id);
  await api.db.query(
    `INSERT INTO servers (id, customer_id, pool_id, host_id, image_id, name, domain_name, state, memory_mib, max_memory_mib, vcpus, max_vcpus, ssh_public_keys, deleted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1024, 1024, 1, 1, ARRAY['ssh-ed25519 AAAA test'], CASE WHEN $9::int IS NULL THEN NULL ELSE now() - make_interval(mins => $9::int) END)`,
    [id, customer.id, poolId, hostId, imageId, name, domainName, state, options.deletedMinutesAgo ?? null],
  );
  const disks = options.disks ?? [{ label: 'root', state: 'present' }];
  for (const [position, disk] of disks.entries()) {
    await api.db.query(
      `INSERT INTO server_disks (server_id, customer_id, label, role, filesystem, size_gib, volume_name, position, state) VALUES ($1, $2, $3, 'data', 'ext4', 1, $4, $5, $6)`,
      [id, customer.id, disk.label, volumeNameFor(domainName, disk.label), position, disk.state],
    );
  }
  return { id, domainName, volumes: disks.map((d) => volumeNameFor(domainName, d.label)) };
}

async function insertJob(server: InsertedServer, hostId: string, status: string, options: { workerId?: string; dispatchedMinutesAgo?: number }): Promise<string> {
  const [row] = (await api.db.query(
    `INSERT INTO jobs (customer_id, server_id, host_id, type, status, worker_id, attempts, dispatched_at, started_at)
     VALUES ($1, $2, $3, 'server.start', $4::varchar, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() - make_interval(mins => $7::int) END, CASE WHEN $4::varchar = 'running' THEN now() END)
     RETURNING id`,
    [customer.id, server.id, hostId, status, options.workerId ?? null, status === 'running' ? 1 : 0, options.dispatchedMinutesAgo ?? null],
  )) as { id: string }[];
  return row.id;
}

async function job(id: string): Promise<{ status: string; worker_id: string | null; dispatched_at: Date | null; version: number; error: string | null }> {
  const [row] = (await api.db.query('SELECT status, worker_id, dispatched_at, version, error FROM jobs WHERE id = $1', [id])) as never[];
  return row;
}

async function openFindings(hostId?: string): Promise<FindingRow[]> {
  return api.db.query(`SELECT * FROM drift_findings WHERE resolved_at IS NULL AND ($1::uuid IS NULL OR host_id = $1) ORDER BY kind, subject`, [hostId ?? null]);
}

const describeFindings = (rows: FindingRow[]) => rows.map((r) => `${r.kind} ${r.subject}`).sort();

async function exec(line: string, stdin?: string): Promise<void> {
  const result = await dom0.exec(line, stdin);
  if (result.exitCode !== 0) throw new Error(`${line} exited ${result.exitCode}: ${result.stderr}`);
}

async function startDomain(name: string): Promise<void> {
  await exec(`cat > /etc/xen/${name}.cfg`, DOMAIN_CFG(name));
  await exec(`xl create /etc/xen/${name}.cfg`);
}

const pass = (): Promise<PassSummary> => reconciler.runPass();

beforeAll(async () => {
  api = await startApiHarness({ RECONCILE_INTERVAL_SECONDS: '0' });
  const keys = generateEd25519KeyPair();
  keyDir = mkdtempSync(join(tmpdir(), 'carve-reconcile-'));
  writeFileSync(join(keyDir, 'id_ed25519'), keys.private, { mode: 0o600 });
  sim = await startSimHost({ port: 0, authorizedKeys: [keys.public] });
  otherSim = await startSimHost({ port: 0, authorizedKeys: [keys.public] });
  dom0 = await SimClient.connect(sim.port, sim.adminPrivateKey);

  hostA = (await createHost(api, { sshAddress: '127.0.0.1', sshPort: sim.port, hostKeyFingerprint: sim.hostKeyFingerprint, volumeGroup: 'vg0' })).id;
  hostB = (await createHost(api, { sshAddress: '127.0.0.1', sshPort: (unreachablePort = await closedPort()), hostKeyFingerprint: otherSim.hostKeyFingerprint, volumeGroup: 'vg0' })).id;
  customer = await createCustomer(api);
  [{ id: poolId }] = await api.db.query(`INSERT INTO pools (customer_id, name, kind, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, 'p', 'shared', 65536, 64, 1000, 1000) RETURNING id`, [customer.id]);
  [{ id: imageId }] = await api.db.query(`INSERT INTO images (name, archive_path) VALUES ('debian-12', '/var/lib/carve/images/debian-12.tar.gz') RETURNING id`);

  const config = new CarveConfig({ ...api.config, sshPrivateKeyPath: join(keyDir, 'id_ed25519'), reconcileIntervalSeconds: 0 });
  worker = await NestFactory.createApplicationContext(ReconcilerWorkerTestModule.forRoot(config), { logger: false });
  worker.enableShutdownHooks();
  await worker.init();
  reconciler = worker.get(Reconciler);
  queue = worker.get(ProvisioningQueue);
});

afterAll(async () => {
  await worker?.close();
  const closed = dom0?.closed();
  dom0?.end();
  await closed;
  await sim?.close();
  await otherSim?.close();
  await api?.close();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

describe('a pass over the hosts', () => {
  let healthy: InsertedServer;
  let down: InsertedServer;
  let deletedLongAgo: InsertedServer;
  let onUnreachable: InsertedServer;

  it('reports stray domains, servers not running and unowned LVs, and only host_unreachable for a host it cannot reach', async () => {
    healthy = await insertServer(hostA, 'running');
    await createDomain(dom0, healthy.domainName);
    // carve thinks it runs; the host has its disk but no domain.
    down = await insertServer(hostA, 'running');
    await exec(`lvcreate -n ${down.volumes[0]} -L 1G vg0`);
    // Half built: a pending disk's LV, no domain yet. Not drift.
    const building = await insertServer(hostA, 'provisioning', { disks: [{ label: 'root', state: 'pending' }] });
    await exec(`lvcreate -n ${building.volumes[0]} -L 1G vg0`);
    // Deleted a moment ago: the delete may still have been removing it when the host was listed.
    const deletedJustNow = await insertServer(hostA, 'deleted', { disks: [{ label: 'root', state: 'removed' }], deletedMinutesAgo: 0 });
    await exec(`lvcreate -n ${deletedJustNow.volumes[0]} -L 1G vg0`);
    // Deleted an hour ago and its LV is still there: the delete left it behind.
    deletedLongAgo = await insertServer(hostA, 'deleted', { disks: [{ label: 'root', state: 'removed' }], deletedMinutesAgo: 60 });
    await exec(`lvcreate -n ${deletedLongAgo.volumes[0]} -L 1G vg0`);
    // Nobody's: a domain with its LV, and a bare LV.
    await createDomain(dom0, 'stray-1');
    await exec('lvcreate -n scratch -L 2G vg0');
    // On the unreachable host carve believes a server runs: nothing can be said about it.
    onUnreachable = await insertServer(hostB, 'running');

    const summary = await pass();

    expect(summary).toMatchObject({ hosts: 2, unreachable: 1, resolved: 0, requeuedJobs: 0, redispatchedJobs: 0 });
    expect(describeFindings(await openFindings(hostA))).toEqual(
      [
        `orphan_volume ${deletedLongAgo.volumes[0]}`,
        'orphan_volume scratch',
        'orphan_volume stray-1-root',
        `server_not_running ${down.id}`,
        'unknown_domain stray-1',
      ].sort(),
    );
    const b = await openFindings(hostB);
    expect(b.map((f) => f.kind)).toEqual(['host_unreachable']);
    expect(b[0].details).toMatchObject({ code: 'DOM0_HOST_UNREACHABLE' });

    const a = await openFindings(hostA);
    expect(a.find((f) => f.subject === deletedLongAgo.volumes[0])?.details).toMatchObject({
      sizeBytes: 1024 ** 3,
      formerOwner: { serverId: deletedLongAgo.id, serverState: 'deleted', diskState: 'removed' },
    });
    expect(a.find((f) => f.kind === 'server_not_running')?.details).toMatchObject({ domainName: down.domainName, observed: 'absent' });
    // It reports; it never acts on the host.
    expect(sim.state.domains.map((d) => d.name).sort()).toEqual([healthy.domainName, 'stray-1'].sort());
    expect(sim.state.vg.lvs.map((lv) => lv.name)).toContain('scratch');
  });

  it('keeps one open finding per thing across passes, refreshing when it was last seen', async () => {
    const before = await openFindings();
    const summary = await pass();
    const after = await openFindings();
    expect(summary).toMatchObject({ opened: 0, resolved: 0, stillOpen: before.length });
    expect(after.map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
    for (const finding of after) {
      const earlier = before.find((f) => f.id === finding.id)!;
      expect(finding.first_seen_at).toEqual(earlier.first_seen_at);
      expect(finding.last_seen_at.getTime()).toBeGreaterThanOrEqual(earlier.last_seen_at.getTime());
    }
    const [{ count }] = await api.db.query('SELECT count(*)::int AS count FROM drift_findings');
    expect(count).toBe(before.length);
  });

  it('resolves what was fixed, and what an unreachable host shows once it answers', async () => {
    await exec('xl destroy stray-1');
    await exec('lvremove -f vg0/stray-1-root');
    await exec('lvremove -f vg0/scratch');
    await startDomain(down.domainName);
    await api.db.query('UPDATE hosts SET ssh_port = $2 WHERE id = $1', [hostB, otherSim.port]);

    const summary = await pass();

    expect(summary).toMatchObject({ hosts: 2, unreachable: 0 });
    expect(describeFindings(await openFindings(hostA))).toEqual([`orphan_volume ${deletedLongAgo.volumes[0]}`]);
    // Host B answers now: unreachable is resolved, and the server carve thought running is not there.
    expect(describeFindings(await openFindings(hostB))).toEqual([`server_not_running ${onUnreachable.id}`]);
    const resolved: FindingRow[] = await api.db.query('SELECT * FROM drift_findings WHERE resolved_at IS NOT NULL ORDER BY kind, subject');
    expect(describeFindings(resolved)).toEqual(
      [`host_unreachable 127.0.0.1:${unreachablePort}`, 'orphan_volume scratch', 'orphan_volume stray-1-root', `server_not_running ${down.id}`, 'unknown_domain stray-1'].sort(),
    );
  });

  it('does not report a running server whose domain is gone while a job is on it', async () => {
    const stopping = await insertServer(hostA, 'running');
    await exec(`lvcreate -n ${stopping.volumes[0]} -L 1G vg0`);
    const runningJob = await insertJob(stopping, hostA, 'running', { workerId: 'live-worker:1', dispatchedMinutesAgo: 1 });
    const redis = worker.get(RedisConnection);
    await redis.client.set(redis.key('workers', 'live-worker:1'), 'now', 'EX', 120);

    await pass();

    const subjects = (await openFindings(hostA)).map((f) => f.subject);
    expect(subjects).not.toContain(stopping.id);
    expect(subjects).not.toContain(stopping.volumes[0]);
    await api.db.query(`UPDATE jobs SET status = 'succeeded', finished_at = now() - interval '1 hour' WHERE id = $1`, [runningJob]);
    await api.db.query(`UPDATE servers SET state = 'stopped' WHERE id = $1`, [stopping.id]);
  });
});

describe('jobs', () => {
  it('queues a job running on a dead worker again and hands it to BullMQ, leaving a live worker job alone', async () => {
    const redis = worker.get(RedisConnection);
    await redis.client.set(redis.key('workers', 'alive:42'), new Date().toISOString(), 'EX', 120);
    const a = await insertServer(hostA, 'stopped');
    const b = await insertServer(hostA, 'stopped');
    const deadJob = await insertJob(a, hostA, 'running', { workerId: 'gone:7', dispatchedMinutesAgo: 5 });
    const liveJob = await insertJob(b, hostA, 'running', { workerId: 'alive:42', dispatchedMinutesAgo: 5 });
    const liveBefore = await job(liveJob);

    const summary = await pass();

    expect(summary).toMatchObject({ requeuedJobs: 1, redispatchedJobs: 0 });
    const requeued = await job(deadJob);
    expect(requeued).toMatchObject({ status: 'queued', worker_id: null });
    expect(requeued.dispatched_at).not.toBeNull();
    expect(requeued.error).toContain('gone:7');
    await expect(queue.isQueued(deadJob)).resolves.toBe(true);
    expect(await job(liveJob)).toEqual(liveBefore);
    await expect(queue.queue.getJob(liveJob)).resolves.toBeUndefined();

    const stuck = (await openFindings(hostA)).filter((f) => f.kind === 'stuck_job');
    expect(stuck.map((f) => f.subject)).toEqual([deadJob]);
    expect(stuck[0].details).toMatchObject({ jobId: deadJob, serverId: a.id, workerId: 'gone:7', requeued: true });

    // Queued and held by BullMQ now: no longer stuck, and not dispatched twice.
    const next = await pass();
    expect(next).toMatchObject({ requeuedJobs: 0, redispatchedJobs: 0 });
    expect((await openFindings(hostA)).filter((f) => f.kind === 'stuck_job')).toEqual([]);
    expect(await job(liveJob)).toEqual(liveBefore);
  });

  it('hands over again a lane head dispatched over a minute ago that BullMQ does not hold', async () => {
    const lost = await insertServer(hostA, 'stopped');
    const lostJob = await insertJob(lost, hostA, 'queued', { dispatchedMinutesAgo: 5 });
    const fresh = await insertServer(hostA, 'stopped');
    // Dispatched a moment ago: BullMQ may not have it yet, so it is left alone.
    const freshJob = await insertJob(fresh, hostA, 'queued', { dispatchedMinutesAgo: 0 });

    const summary = await pass();

    expect(summary).toMatchObject({ redispatchedJobs: 1, requeuedJobs: 0 });
    await expect(queue.isQueued(lostJob)).resolves.toBe(true);
    expect((await job(lostJob)).status).toBe('queued');
    await expect(queue.queue.getJob(freshJob)).resolves.toBeUndefined();
  });
});

describe('schedule', () => {
  it('runs one pass per interval however many worker processes tick', async () => {
    const scheduler = worker.get(ReconcileScheduler);
    // Both ticks share only Redis with each other, as two worker processes would.
    const [one, two] = await Promise.all([scheduler.tick(3_600_000), scheduler.tick(3_600_000)]);
    expect([one, two].filter((s) => s !== null)).toHaveLength(1);
    expect([one, two].find((s) => s !== null)).toMatchObject({ hosts: 2 });
    await expect(scheduler.tick(3_600_000)).resolves.toBeNull();
  });
});

describe('API', () => {
  it('lists findings for operators only, filtered and newest first, page by page', async () => {
    const all = await api.request('GET', '/v1/drift-findings');
    expect(all.status).toBe(200);
    const [{ count }] = await api.db.query('SELECT count(*)::int AS count FROM drift_findings');
    expect(all.body.items).toHaveLength(count);
    const firstSeen = all.body.items.map((f: { firstSeenAt: string }) => f.firstSeenAt);
    expect([...firstSeen].sort().reverse()).toEqual(firstSeen);

    const open = await api.request('GET', `/v1/drift-findings?hostId=${hostA}&open=true`);
    expect(open.body.items.map((f: { subject: string }) => f.subject).sort()).toEqual((await openFindings(hostA)).map((f) => f.subject).sort());
    const resolved = await api.request('GET', '/v1/drift-findings?open=false&kind=unknown_domain');
    expect(resolved.body.items.map((f: { subject: string; resolvedAt: string | null }) => [f.subject, f.resolvedAt !== null])).toEqual([['stray-1', true]]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.request('GET', `/v1/drift-findings?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((f: { id: string }) => f.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((f: { id: string }) => f.id));

    expectProblem(await api.request('GET', '/v1/drift-findings?kind=bogus'), 400, 'validation_failed');
    expectProblem(await api.request('GET', '/v1/drift-findings?open=yes'), 400, 'validation_failed');
    expectProblem(await api.request('GET', '/v1/drift-findings', { token: customer.adminToken }), 403, 'forbidden');
  });

  it('queues a pass over one host for the worker and answers 202', async () => {
    await createDomain(dom0, 'stray-2');
    const res = await api.request('POST', `/v1/hosts/${hostA}/reconcile`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ hostId: hostA });

    // The worker in this test consumes the request; wait for the finding it records.
    let found: FindingRow | undefined;
    for (let i = 0; i < 200 && !found; i++) {
      found = (await openFindings(hostA)).find((f) => f.subject === 'stray-2');
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found?.kind).toBe('unknown_domain');

    expectProblem(await api.request('POST', `/v1/hosts/${randomUUID()}/reconcile`), 404, 'not_found');
    await api.db.query(`UPDATE hosts SET status = 'retired' WHERE id = $1`, [hostB]);
    expectProblem(await api.request('POST', `/v1/hosts/${hostB}/reconcile`), 409, 'host_retired');
    expectProblem(await api.request('POST', `/v1/hosts/${hostA}/reconcile`, { token: customer.adminToken }), 403, 'forbidden');
  });
});

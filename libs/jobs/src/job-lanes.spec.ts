// The lane statements against real PostgreSQL: one head at a time, claimed once, in order.
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { createTestDatabase, TestDatabase } from '@carve/testing';
import { DataSource } from 'typeorm';
import { StaleRunError } from './job-errors';
import { JobRepository } from './job.repository';

let database: TestDatabase;
let db: DataSource;
let jobs: JobRepository;
let serverId: string;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  db = new DataSource({ ...dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS), extra: { max: 20 } });
  await db.initialize();
  jobs = new JobRepository(db);
  const [customer] = await db.query(`INSERT INTO customers (name) VALUES ('Lane Tester') RETURNING id`);
  const [host] = await db.query(
    `INSERT INTO hosts (name, ssh_address, host_key_fingerprint, cpu_threads, total_memory_mib, dom0_memory_mib, volume_group, volume_group_size_gib,
                        transfer_allowance_gb, uplink_mbit, monthly_cost_minor, currency)
     VALUES ('h1', 'h1.example', 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', 8, 32768, 2048, 'vg0', 500, 1000, 1000, 4900, 'EUR') RETURNING id`,
  );
  const [pool] = await db.query(`INSERT INTO pools (customer_id, name, kind, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, 'p', 'shared', 4096, 4, 100, 100) RETURNING id`, [customer.id]);
  const [image] = await db.query(`INSERT INTO images (name, archive_path) VALUES ('debian-12', '/var/lib/carve/images/debian-12.tar.gz') RETURNING id`);
  const [server] = await db.query(
    `INSERT INTO servers (customer_id, pool_id, host_id, image_id, name, domain_name, state, memory_mib, max_memory_mib, vcpus, max_vcpus, ssh_public_keys)
     VALUES ($1, $2, $3, $4, 'web', 'web-00000000', 'running', 512, 512, 1, 1, ARRAY['ssh-ed25519 AAAA x']) RETURNING id`,
    [customer.id, pool.id, host.id, image.id],
  );
  serverId = server.id;
  for (let i = 0; i < 3; i++) {
    await db.transaction((m) => jobs.insert({ customerId: customer.id, serverId, hostId: host.id, type: 'server.reboot', params: { i }, requestedByUserId: null }, m));
  }
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

it('hands out each job of a lane exactly once, in the order asked, however many callers race', async () => {
  const order = (await db.query(`SELECT id FROM jobs WHERE server_id = $1 ORDER BY seq`, [serverId])).map((r: { id: string }) => r.id);

  // Ten dispatchers at once: exactly one claims the head.
  const first = (await Promise.all(Array.from({ length: 10 }, () => jobs.claimLaneHead(serverId, new Date())))).filter((c) => c !== null);
  expect(first.map((c) => c!.id)).toEqual([order[0]]);

  // Nothing else is handed out while the head is unfinished.
  expect(await jobs.claimLaneHead(serverId, new Date())).toBeNull();

  // Finishing the head claims the next one in the same statement; racing dispatchers get nothing more.
  const [next, ...others] = await Promise.all([
    jobs.finishAndClaimNext(order[0], { status: 'succeeded', finishedAt: new Date() }),
    ...Array.from({ length: 5 }, () => jobs.claimLaneHead(serverId, new Date())),
  ]);
  const claimed = [next, ...others].filter((c) => c !== null).map((c) => c!.id);
  expect(claimed).toEqual([order[1]]);

  const last = await jobs.finishAndClaimNext(order[1], { status: 'failed', finishedAt: new Date(), error: 'x', errorCode: 'x' });
  expect(last?.id).toBe(order[2]);
  expect(await jobs.finishAndClaimNext(order[2], { status: 'succeeded', finishedAt: new Date() })).toBeNull();
  const statuses = await db.query(`SELECT status, dispatched_at IS NOT NULL AS dispatched FROM jobs WHERE server_id = $1 ORDER BY seq`, [serverId]);
  expect(statuses).toEqual([
    { status: 'succeeded', dispatched: true },
    { status: 'failed', dispatched: true },
    { status: 'succeeded', dispatched: true },
  ]);
});

it('lets only the current run of a job write: a run taken over by another worker stops at its next write', async () => {
  const [extra] = await db.query(`SELECT customer_id, host_id FROM jobs WHERE server_id = $1 LIMIT 1`, [serverId]);
  const job = await db.transaction((m) => jobs.insert({ customerId: extra.customer_id, serverId, hostId: extra.host_id, type: 'server.reboot', params: {}, requestedByUserId: null }, m));
  const first = await jobs.markRunning(job.id, { number: 1, workerId: 'worker-a', at: new Date() });
  // The reconciler found worker-a silent and queued the job again; worker-b took it.
  await db.query(`UPDATE jobs SET status = 'queued' WHERE id = $1`, [job.id]);
  const second = await jobs.markRunning(job.id, { number: 1, workerId: 'worker-b', at: new Date() });
  expect(second!.runId).not.toBe(first!.runId);

  await expect(jobs.saveSteps(job.id, [{ name: 'stale', status: 'running' }], first!.runId!)).rejects.toBeInstanceOf(StaleRunError);
  await expect(jobs.finishAndClaimNext(job.id, { status: 'succeeded', finishedAt: new Date() }, first!.runId!)).rejects.toBeInstanceOf(StaleRunError);
  await jobs.saveSteps(job.id, [{ name: 'current', status: 'succeeded' }], second!.runId!);
  await jobs.finishAndClaimNext(job.id, { status: 'succeeded', finishedAt: new Date() }, second!.runId!);
  const [row] = await db.query('SELECT status, worker_id, steps FROM jobs WHERE id = $1', [job.id]);
  expect(row).toEqual({ status: 'succeeded', worker_id: 'worker-b', steps: [{ name: 'current', status: 'succeeded' }] });
});

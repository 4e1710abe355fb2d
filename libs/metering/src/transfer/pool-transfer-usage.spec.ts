// Medium test: a pool's transfer this month and the alerts, against real PostgreSQL with the
// real migrations, the real repositories and a fixed clock.
import { randomUUID } from 'node:crypto';
import { loadConfig } from '@carve/config';
import { Clock } from '@carve/core';
import { dataSourceOptions } from '@carve/database';
import { EventRepository, EventService } from '@carve/events';
import { HostRepository } from '@carve/inventory';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { Pool, PoolCeilingRepository, PoolLiveServers, PoolRepository, PoolService } from '@carve/pools';
import { createTestDatabase, TEST_REDIS_URL, TestDatabase } from '@carve/testing';
import { DataSource } from 'typeorm';
import { MeteringPartitions } from '../storage/metering-partitions';
import { PoolTransferUsage } from './pool-transfer-usage';
import { TransferAlerts } from './transfer-alerts';
import { TransferUsageRepository } from './transfer-usage.repository';

class FixedClock extends Clock {
  constructor(public at: Date) {
    super();
  }

  now(): Date {
    return this.at;
  }
}

let database: TestDatabase;
let db: DataSource;
let clock: FixedClock;
let usage: PoolTransferUsage;
let alerts: TransferAlerts;
let poolRepository: PoolRepository;
let customerId: string;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  db = new DataSource(dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS));
  await db.initialize();
  await new MeteringPartitions(db, loadConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL })).ensure(new Date('2026-10-01T00:00:00Z'), new Date('2027-01-31T00:00:00Z'));
  clock = new FixedClock(new Date('2026-11-10T12:00:00Z'));
  const hosts = new HostRepository(db);
  const transferUsage = new TransferUsageRepository(db);
  poolRepository = new PoolRepository(db);
  usage = new PoolTransferUsage(transferUsage, hosts, clock);
  alerts = new TransferAlerts(new PoolService(poolRepository, new PoolCeilingRepository(db), hosts, clock, new PoolLiveServers()), transferUsage, new EventService(new EventRepository(db)));
  [{ id: customerId }] = await db.query(`INSERT INTO customers (name) VALUES ('transfer medium') RETURNING id`);
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

let counter = 0;
async function host(transferAllowanceGB: number, dedicatedCustomerId: string | null = null): Promise<string> {
  const n = counter++;
  const [row] = await db.query(
    `INSERT INTO hosts (name, ssh_address, host_key_fingerprint, cpu_threads, total_memory_mib, dom0_memory_mib, volume_group, volume_group_size_gib,
                        transfer_allowance_gb, uplink_mbit, monthly_cost_minor, currency, dedicated_customer_id)
     VALUES ($1, $1, 'SHA256:x', 16, 65536, 4096, 'vg0', 1800, $2, 1000, 4900, 'EUR', $3) RETURNING id`,
    [`dom0-transfer-${n}`, transferAllowanceGB, dedicatedCustomerId],
  );
  return row.id;
}

async function pool(kind: 'shared' | 'dedicated', transferGB: number, hostId: string | null = null): Promise<Pool> {
  const [row] = await db.query(
    `INSERT INTO pools (customer_id, name, kind, host_id, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, $2, $3, $4, 4096, 4, 100, $5) RETURNING id`,
    [customerId, `pool-${counter++}`, kind, hostId, transferGB],
  );
  return (await poolRepository.findInScope({ kind: 'operator' }, row.id))!;
}

/** An hourly rollup row as ingest leaves it; only net_out_bytes matters here, net_in_bytes is set to show it is not counted. */
async function sent(poolId: string, serverId: string, hostId: string, bucketStart: string, netOutBytes: number): Promise<void> {
  await db.query(
    `INSERT INTO usage_1h (server_id, host_id, customer_id, pool_id, bucket_start, cpu_ms, read_requests, write_requests, read_bytes, write_bytes, oo_requests,
                           net_out_bytes, net_in_bytes, read_ticks_ms, write_ticks_ms, queue_ticks_ms, covered_ms, estimated_ms, memory_mib_ms)
     VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, 0, 0, $6, $7, 0, 0, 0, 3600000, 0, 0)`,
    [serverId, hostId, customerId, poolId, bucketStart, netOutBytes, netOutBytes * 10],
  );
}

describe('PoolTransferUsage', () => {
  it('sums every server of the pool on every host over the UTC month, and projects at the month fraction of the fixed clock', async () => {
    const [h1, h2] = [await host(20000), await host(20000)];
    const p = await pool('shared', 20);
    const other = await pool('shared', 20);
    const [s1, s2] = [randomUUID(), randomUUID()];
    await sent(p.id, s1, h1, '2026-11-01T00:00:00Z', 1_000_000_000);
    await sent(p.id, s2, h2, '2026-11-03T05:00:00Z', 1_500_000_000);
    // s1 moved to h2: the same server, another host.
    await sent(p.id, s1, h2, '2026-11-10T11:00:00Z', 1_300_000_000);
    // Not this month, and not this pool.
    await sent(p.id, s1, h1, '2026-10-31T23:00:00Z', 9_000_000_000);
    await sent(p.id, s1, h1, '2026-12-01T00:00:00Z', 9_000_000_000);
    await sent(other.id, randomUUID(), h1, '2026-11-05T00:00:00Z', 7_000_000_000);

    clock.at = new Date('2026-11-10T12:00:00Z');
    // 3.8 GB in 9.5 of November's 30 days: 12 GB at that pace.
    expect(await usage.ofPool(p)).toEqual({
      month: '2026-11',
      usedBytes: 3_800_000_000,
      usedGB: 3.8,
      allowanceBytes: 20_000_000_000,
      allowanceGB: 20,
      percent: 19,
      projectedBytes: 12_000_000_000,
      projectedGB: 12,
    });

    // A quarter of the month later, the same usage projects lower: 3.8 GB over 17 of 30 days.
    clock.at = new Date('2026-11-18T00:00:00Z');
    expect((await usage.ofPool(p))!.projectedBytes).toBe(Math.round((3_800_000_000 / (17 * 86_400)) * 30 * 86_400));
    // In December only December's bucket counts, at one day of 31.
    clock.at = new Date('2026-12-02T00:00:00Z');
    expect(await usage.ofPool(p)).toMatchObject({ month: '2026-12', usedBytes: 9_000_000_000, percent: 45, projectedGB: 279 });
  });

  it("takes a dedicated pool's allowance from its host as the host has it now, not the pool's copy", async () => {
    const h = await host(5000, customerId);
    const p = await pool('dedicated', 5000, h);
    await db.query(`UPDATE hosts SET transfer_allowance_gb = 8000 WHERE id = $1`, [h]);
    await sent(p.id, randomUUID(), h, '2026-11-02T00:00:00Z', 400_000_000_000);
    clock.at = new Date('2026-11-11T00:00:00Z');
    expect(await usage.ofPool(p)).toMatchObject({ allowanceGB: 8000, usedGB: 400, percent: 5, projectedGB: 1200 });
  });
});

describe('TransferAlerts', () => {
  it('raises 80 and 100 once per pool and month, again in the next month, and never for dedicated pools or pools without an allowance', async () => {
    const h = await host(10, customerId);
    const p = await pool('shared', 10);
    const unlimited = await pool('shared', 0);
    const dedicated = await pool('dedicated', 10, h);
    for (const id of [p.id, unlimited.id, dedicated.id]) await sent(id, randomUUID(), h, '2026-11-20T00:00:00Z', 10_500_000_000);
    await sent(p.id, randomUUID(), h, '2026-12-01T03:00:00Z', 8_000_000_000);
    const mine = async () =>
      (await db.query(`SELECT kind, subject_id, data, dedup_key FROM events WHERE subject_id = ANY($1::uuid[]) ORDER BY dedup_key`, [[p.id, unlimited.id, dedicated.id]])) as {
        kind: string;
        data: unknown;
        dedup_key: string;
      }[];

    const first = await alerts.check(new Date('2026-11-21T00:00:00Z'));
    expect(first.raised.filter((r) => r.poolId === p.id || r.poolId === unlimited.id || r.poolId === dedicated.id)).toEqual([
      { poolId: p.id, kind: 'pool.transfer.80' },
      { poolId: p.id, kind: 'pool.transfer.100' },
    ]);
    expect((await alerts.check(new Date('2026-11-22T00:00:00Z'))).raised.filter((r) => r.poolId === p.id)).toEqual([]);
    const december = await alerts.check(new Date('2026-12-01T04:00:00Z'));
    expect(december.raised.filter((r) => r.poolId === p.id)).toEqual([{ poolId: p.id, kind: 'pool.transfer.80' }]);

    expect(await mine()).toEqual([
      { kind: 'pool.transfer.100', subject_id: p.id, data: { month: '2026-11', usedBytes: 10_500_000_000, allowanceBytes: 10_000_000_000, percent: 105 }, dedup_key: `pool-transfer:${p.id}:2026-11:100` },
      { kind: 'pool.transfer.80', subject_id: p.id, data: { month: '2026-11', usedBytes: 10_500_000_000, allowanceBytes: 10_000_000_000, percent: 105 }, dedup_key: `pool-transfer:${p.id}:2026-11:80` },
      { kind: 'pool.transfer.80', subject_id: p.id, data: { month: '2026-12', usedBytes: 8_000_000_000, allowanceBytes: 10_000_000_000, percent: 80 }, dedup_key: `pool-transfer:${p.id}:2026-12:80` },
    ]);
  });

  it('raises nothing for a deleted pool', async () => {
    const h = await host(10);
    const p = await pool('shared', 10);
    await sent(p.id, randomUUID(), h, '2026-11-20T00:00:00Z', 9_000_000_000);
    await db.query(`UPDATE pools SET deleted_at = now() WHERE id = $1`, [p.id]);
    expect((await alerts.check(new Date('2026-11-21T00:00:00Z'))).raised.filter((r) => r.poolId === p.id)).toEqual([]);
  });
});

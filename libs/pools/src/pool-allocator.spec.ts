// Medium test: the allocator against real PostgreSQL with the real migrations.
import { ConflictError, NotFoundError, SystemClock } from '@carve/core';
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { createTestDatabase, TestDatabase } from '@carve/testing';
import { DataSource } from 'typeorm';
import { DedicatedPoolSizer } from './dedicated-pool-size';
import { PoolAllocator } from './pool-allocator';
import { PoolRepository } from './pool.repository';

let database: TestDatabase;
let db: DataSource;
let allocator: PoolAllocator;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: true });
  db = new DataSource({ ...dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS), extra: { max: 10 } });
  await db.initialize();
  const pools = new PoolRepository(db);
  allocator = new PoolAllocator(pools, new DedicatedPoolSizer(pools, new SystemClock()));
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

let counter = 0;
async function customer(): Promise<string> {
  const [row] = await db.query(`INSERT INTO customers (name) VALUES ($1) RETURNING id`, [`allocator customer ${counter++}`]);
  return row.id;
}

async function sharedPool(customerId: string, sizes: { memoryMiB: number; vcpus: number; diskGiB: number }): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO pools (customer_id, name, kind, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, $2, 'shared', $3, $4, $5, 100) RETURNING id`,
    [customerId, `pool ${counter++}`, sizes.memoryMiB, sizes.vcpus, sizes.diskGiB],
  );
  return row.id;
}

async function allocated(poolId: string) {
  const [row] = await db.query(`SELECT allocated_memory_mib, allocated_vcpus, allocated_disk_gib, server_count FROM pools WHERE id = $1`, [poolId]);
  return row;
}

async function someoneWaitsOnALock(): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return rows.length > 0;
}

describe('PoolAllocator', () => {
  it('50 concurrent reservations into a pool with room for 10: exactly 10 succeed, the rest get pool_exhausted', async () => {
    const customerId = await customer();
    const poolId = await sharedPool(customerId, { memoryMiB: 10 * 1024, vcpus: 20, diskGiB: 100 });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        db.transaction((manager) => allocator.reserve(manager, { poolId, customerId, memoryMiB: 1024, vcpus: 2, diskGiB: 10, servers: 1 })),
      ),
    );
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(succeeded).toHaveLength(10);
    expect(failed).toHaveLength(40);
    for (const error of failed) {
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).code).toBe('pool_exhausted');
      expect((error as ConflictError).status).toBe(409);
    }
    expect(await allocated(poolId)).toEqual({ allocated_memory_mib: 10 * 1024, allocated_vcpus: 20, allocated_disk_gib: 100, server_count: 10 });
  });

  it('names each short resource with requested and free', async () => {
    const customerId = await customer();
    const poolId = await sharedPool(customerId, { memoryMiB: 2048, vcpus: 4, diskGiB: 50 });
    const error = await db.transaction((m) => allocator.reserve(m, { poolId, customerId, memoryMiB: 4096, vcpus: 2, diskGiB: 60, servers: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    const conflict = error as ConflictError;
    expect(conflict.detail).toContain('memory: 4096 MiB requested, 2048 MiB free');
    expect(conflict.detail).toContain('disk: 60 GiB requested, 50 GiB free');
    expect(conflict.extensions.shortages).toEqual([
      { resource: 'memoryMiB', requested: 4096, free: 2048 },
      { resource: 'diskGiB', requested: 60, free: 50 },
    ]);
    expect(await allocated(poolId)).toEqual({ allocated_memory_mib: 0, allocated_vcpus: 0, allocated_disk_gib: 0, server_count: 0 });
  });

  it("answers not found for another customer's pool, and reserves nothing", async () => {
    const owner = await customer();
    const other = await customer();
    const poolId = await sharedPool(owner, { memoryMiB: 2048, vcpus: 4, diskGiB: 50 });
    const error = await db.transaction((m) => allocator.reserve(m, { poolId, customerId: other, memoryMiB: 1, vcpus: 1, diskGiB: 1, servers: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(await allocated(poolId)).toEqual({ allocated_memory_mib: 0, allocated_vcpus: 0, allocated_disk_gib: 0, server_count: 0 });
  });

  it('a reservation rolled back with its transaction leaves nothing behind', async () => {
    const customerId = await customer();
    const poolId = await sharedPool(customerId, { memoryMiB: 2048, vcpus: 4, diskGiB: 50 });
    await expect(
      db.transaction(async (m) => {
        await allocator.reserve(m, { poolId, customerId, memoryMiB: 1024, vcpus: 1, diskGiB: 10, servers: 1 });
        throw new Error('placement failed');
      }),
    ).rejects.toThrow('placement failed');
    expect(await allocated(poolId)).toEqual({ allocated_memory_mib: 0, allocated_vcpus: 0, allocated_disk_gib: 0, server_count: 0 });
  });

  it('release subtracts and never goes below zero', async () => {
    const customerId = await customer();
    const poolId = await sharedPool(customerId, { memoryMiB: 4096, vcpus: 4, diskGiB: 50 });
    await db.transaction((m) => allocator.reserve(m, { poolId, customerId, memoryMiB: 2048, vcpus: 2, diskGiB: 20, servers: 1 }));
    await db.transaction((m) => allocator.release(m, { poolId, memoryMiB: 1024, vcpus: 1, diskGiB: 5, servers: 1 }));
    expect(await allocated(poolId)).toEqual({ allocated_memory_mib: 1024, allocated_vcpus: 1, allocated_disk_gib: 15, server_count: 0 });
    await db.transaction((m) => allocator.release(m, { poolId, memoryMiB: 9999, vcpus: 9, diskGiB: 99, servers: 3 }));
    expect(await allocated(poolId)).toEqual({ allocated_memory_mib: 0, allocated_vcpus: 0, allocated_disk_gib: 0, server_count: 0 });
  });

  it('lock holds the row: a second locker waits until the first commits', async () => {
    const customerId = await customer();
    const poolId = await sharedPool(customerId, { memoryMiB: 2048, vcpus: 4, diskGiB: 50 });
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = db.transaction(async (m) => {
      await allocator.lock(m, poolId, customerId);
      firstLocked();
      await firstHolds;
      await allocator.reserve(m, { poolId, customerId, memoryMiB: 2048, vcpus: 1, diskGiB: 1, servers: 1 });
      order.push('first committed');
    });
    await locked;
    const second = db.transaction(async (m) => {
      const error = await allocator.reserve(m, { poolId, customerId, memoryMiB: 1, vcpus: 1, diskGiB: 1, servers: 1 }).catch((e: unknown) => e);
      order.push(`second saw ${(error as ConflictError).code}`);
    });
    // Release the first only once PostgreSQL shows the second blocked on a row lock.
    for (let i = 0; i < 500 && !(await someoneWaitsOnALock()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await someoneWaitsOnALock()).toBe(true);
    releaseFirst();
    await Promise.all([first, second]);
    // Had the second not waited for the row, it would have found 2048 MiB free and succeeded.
    expect(order).toEqual(['first committed', 'second saw pool_exhausted']);
  });

  it('refuses negative or fractional amounts before touching the pool', async () => {
    const customerId = await customer();
    const poolId = await sharedPool(customerId, { memoryMiB: 2048, vcpus: 4, diskGiB: 50 });
    await expect(db.transaction((m) => allocator.reserve(m, { poolId, customerId, memoryMiB: -1024, vcpus: 1.5, diskGiB: 0, servers: 1 }))).rejects.toMatchObject({
      code: 'validation_failed',
      extensions: { fields: [{ field: 'memoryMiB', message: 'must be a non-negative integer' }, { field: 'vcpus', message: 'must be a non-negative integer' }] },
    });
    expect(await allocated(poolId)).toEqual({ allocated_memory_mib: 0, allocated_vcpus: 0, allocated_disk_gib: 0, server_count: 0 });
  });

  it("makes a dedicated pool follow its host's capacity when it is next locked, recording the change", async () => {
    const customerId = await customer();
    const [host] = await db.query(
      `INSERT INTO hosts (name, ssh_address, host_key_fingerprint, cpu_threads, total_memory_mib, dom0_memory_mib, volume_group, volume_group_size_gib, transfer_allowance_gb, uplink_mbit, monthly_cost_minor, currency, dedicated_customer_id)
       VALUES ($1, $1, 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', 8, 32768, 2048, 'vg0', 900, 10000, 1000, 4900, 'EUR', $2) RETURNING id`,
      [`dom0-${counter++}`, customerId],
    );
    const [pool] = await db.query(
      `INSERT INTO pools (customer_id, name, kind, host_id, memory_mib, vcpus, disk_gib, transfer_gb) VALUES ($1, 'metal', 'dedicated', $2, 1, 1, 1, 1) RETURNING id`,
      [customerId, host.id],
    );
    const locked = await db.transaction((m) => allocator.lock(m, pool.id, customerId));
    // 32768 - 2048 dom0 - (256 + 64) Xen overhead; 8 threads x the default ratio 4; the whole volume group.
    expect({ memory: locked.memoryMiB, vcpus: locked.vcpus, disk: locked.diskGiB, transfer: locked.transferGB }).toEqual({ memory: 30400, vcpus: 32, disk: 900, transfer: 10000 });
    const [row] = await db.query('SELECT memory_mib, vcpus, disk_gib, transfer_gb FROM pools WHERE id = $1', [pool.id]);
    expect(row).toEqual({ memory_mib: 30400, vcpus: 32, disk_gib: 900, transfer_gb: 10000 });
    const changes = await db.query('SELECT memory_mib, changed_by_user_id FROM pool_size_changes WHERE pool_id = $1', [pool.id]);
    expect(changes).toEqual([{ memory_mib: 30400, changed_by_user_id: null }]);
    // Unchanged host: no new size change.
    await db.transaction((m) => allocator.lock(m, pool.id, customerId));
    expect(await db.query('SELECT count(*)::int AS n FROM pool_size_changes WHERE pool_id = $1', [pool.id])).toEqual([{ n: 1 }]);
  });
});

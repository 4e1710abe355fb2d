import { Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '@carve/core';
import { EntityManager } from 'typeorm';
import { DedicatedPoolSizer } from './dedicated-pool-size';
import { PoolExhaustedError } from './pool.errors';
import { Pool } from './pool.entity';
import { PoolRepository } from './pool.repository';
import { shortages } from './pool-resources';
import { freeOf } from './pool-usage';

export interface PoolReservation {
  poolId: string;
  customerId: string;
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
  /** How many servers the reservation is for (server_count moves by this). */
  servers: number;
}

export type PoolRelease = Omit<PoolReservation, 'customerId'>;

/**
 * Pool headroom for the server lifecycle. Every method runs inside the caller's
 * transaction (the one that also places the server on a host), holding the pool row
 * FOR UPDATE until it commits: concurrent orders queue on the row and see each other's
 * reservations, so a pool is never oversubscribed.
 */
@Injectable()
export class PoolAllocator {
  constructor(
    private readonly pools: PoolRepository,
    private readonly dedicated: DedicatedPoolSizer,
  ) {}

  /** Locks the pool row FOR UPDATE in manager's transaction. NotFoundError('pool', id) if it is not the customer's. */
  async lock(manager: EntityManager, poolId: string, customerId: string): Promise<Pool> {
    const pool = await this.pools.lockInScope({ kind: 'customer', customerId }, poolId, manager);
    if (!pool) throw new NotFoundError('pool', poolId);
    return this.dedicated.follow(manager, pool);
  }

  /** lock + check headroom + add to allocated_* and server_count. ConflictError 'pool_exhausted' naming each short resource. */
  async reserve(manager: EntityManager, request: PoolReservation): Promise<Pool> {
    checkAmounts(request);
    const pool = await this.lock(manager, request.poolId, request.customerId);
    const short = shortages(request, freeOf(pool));
    if (short.length > 0) throw new PoolExhaustedError(pool.name, short);
    pool.allocatedMemoryMiB += request.memoryMiB;
    pool.allocatedVcpus += request.vcpus;
    pool.allocatedDiskGiB += request.diskGiB;
    pool.serverCount += request.servers;
    await manager.getRepository(Pool).update(
      { id: pool.id },
      { allocatedMemoryMiB: pool.allocatedMemoryMiB, allocatedVcpus: pool.allocatedVcpus, allocatedDiskGiB: pool.allocatedDiskGiB, serverCount: pool.serverCount },
    );
    return pool;
  }

  /** Subtracts (never below zero). One UPDATE: it takes the row lock itself. */
  async release(manager: EntityManager, request: PoolRelease): Promise<void> {
    checkAmounts(request);
    await manager.query(
      `UPDATE pools SET
         allocated_memory_mib = GREATEST(0, allocated_memory_mib - $2),
         allocated_vcpus = GREATEST(0, allocated_vcpus - $3),
         allocated_disk_gib = GREATEST(0, allocated_disk_gib - $4),
         server_count = GREATEST(0, server_count - $5),
         updated_at = now()
       WHERE id = $1`,
      [request.poolId, request.memoryMiB, request.vcpus, request.diskGiB, request.servers],
    );
  }
}

/** A negative amount would turn a reservation into a release (and the reverse): refuse it before touching the row. */
function checkAmounts(request: PoolRelease): void {
  const fields = (['memoryMiB', 'vcpus', 'diskGiB', 'servers'] as const)
    .filter((f) => !Number.isSafeInteger(request[f]) || request[f] < 0)
    .map((field) => ({ field, message: 'must be a non-negative integer' }));
  if (fields.length > 0) throw new InvalidInputError(fields);
}

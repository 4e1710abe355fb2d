import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@carve/core';
import { Host, hostCapacity, HostRepository } from '@carve/inventory';
import { Pool, PoolAllocator } from '@carve/pools';
import { EntityManager } from 'typeorm';
import { DOMAIN_OVERHEAD_MIB } from './server-naming';
import { ServerRepository } from './server.repository';
import type { Server } from './server.entity';

export interface ResourceAmounts {
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
}

/** What the host lacks for `need`, one phrase per resource ("memory: 4096 MiB needed, 1024 MiB free"). */
function shortOn(host: Host, need: ResourceAmounts): string[] {
  const capacity = hostCapacity(host);
  return [
    capacity.memoryMiB.free < need.memoryMiB + DOMAIN_OVERHEAD_MIB ? `memory: ${need.memoryMiB + DOMAIN_OVERHEAD_MIB} MiB needed, ${capacity.memoryMiB.free} MiB free` : null,
    capacity.vcpus.free < need.vcpus ? `vCPUs: ${need.vcpus} needed, ${capacity.vcpus.free} free` : null,
    capacity.diskGiB.free < need.diskGiB ? `disk: ${need.diskGiB} GiB needed, ${capacity.diskGiB.free} GiB free` : null,
  ].filter((s): s is string => s !== null);
}

function fits(host: Host, need: ResourceAmounts): boolean {
  const capacity = hostCapacity(host);
  return capacity.memoryMiB.free >= need.memoryMiB + DOMAIN_OVERHEAD_MIB && capacity.vcpus.free >= need.vcpus && capacity.diskGiB.free >= need.diskGiB;
}

/**
 * Pool headroom and host capacity, reserved and released together in the caller's
 * transaction. Locks are always taken server -> pool -> host, so concurrent orders,
 * resizes and deletes cannot deadlock, and the CHECK constraints on pools back the
 * arithmetic up: concurrent orders can never oversubscribe a pool or a host.
 */
@Injectable()
export class ServerReservations {
  constructor(
    private readonly pools: PoolAllocator,
    private readonly hosts: HostRepository,
    private readonly servers: ServerRepository,
  ) {}

  /** Reserves the pool first (its error says what is free), then places the server on a host with room. */
  async reserveForOrder(manager: EntityManager, order: { customerId: string; poolId: string } & ResourceAmounts): Promise<{ pool: Pool; host: Host }> {
    const pool = await this.pools.reserve(manager, { poolId: order.poolId, customerId: order.customerId, memoryMiB: order.memoryMiB, vcpus: order.vcpus, diskGiB: order.diskGiB, servers: 1 });
    const host = await this.placeOnHost(manager, pool, order.customerId, order);
    return { pool, host };
  }

  /** Changes an existing server's reservation by a delta (negative gives back). */
  async adjust(manager: EntityManager, server: Server, delta: ResourceAmounts): Promise<void> {
    const grow = { memoryMiB: Math.max(0, delta.memoryMiB), vcpus: Math.max(0, delta.vcpus), diskGiB: Math.max(0, delta.diskGiB) };
    const shrink = { memoryMiB: Math.max(0, -delta.memoryMiB), vcpus: Math.max(0, -delta.vcpus), diskGiB: Math.max(0, -delta.diskGiB) };
    if (grow.memoryMiB + grow.vcpus + grow.diskGiB > 0) {
      await this.pools.reserve(manager, { poolId: server.poolId, customerId: server.customerId, ...grow, servers: 0 });
      const host = await this.hosts.lockById(server.hostId, manager);
      if (!host) throw new ConflictError('host_missing', `The server's host no longer exists.`);
      const capacity = hostCapacity(host);
      const short = [
        capacity.memoryMiB.free < grow.memoryMiB ? `memory: ${grow.memoryMiB} MiB more needed, ${capacity.memoryMiB.free} MiB free` : null,
        capacity.vcpus.free < grow.vcpus ? `vCPUs: ${grow.vcpus} more needed, ${capacity.vcpus.free} free` : null,
        capacity.diskGiB.free < grow.diskGiB ? `disk: ${grow.diskGiB} GiB more needed, ${capacity.diskGiB.free} GiB free` : null,
      ].filter(Boolean);
      if (short.length > 0) {
        throw new ConflictError('host_full', `The server's host has no room for this change (${short.join('; ')}). Ask the operator to move the server.`);
      }
      await this.hosts.addAllocation(manager, host.id, grow, 0);
    }
    if (shrink.memoryMiB + shrink.vcpus + shrink.diskGiB > 0) {
      await this.pools.release(manager, { poolId: server.poolId, ...shrink, servers: 0 });
      const host = await this.hosts.lockById(server.hostId, manager);
      if (host) await this.hosts.addAllocation(manager, host.id, { memoryMiB: -shrink.memoryMiB, vcpus: -shrink.vcpus, diskGiB: -shrink.diskGiB }, 0);
    }
  }

  /** Gives back everything the server holds, once: the flag on the (locked) server row makes a second call a no-op. */
  async releaseAll(manager: EntityManager, server: Server): Promise<void> {
    if (!server.holdsReservation) return;
    const disks = await this.servers.disksOf([server.id], manager);
    const diskGiB = disks.filter((d) => d.state !== 'removed').reduce((sum, d) => sum + d.sizeGiB, 0);
    await this.pools.release(manager, { poolId: server.poolId, memoryMiB: server.memoryMiB, vcpus: server.vcpus, diskGiB, servers: 1 });
    const host = await this.hosts.lockById(server.hostId, manager);
    if (host) await this.hosts.addAllocation(manager, host.id, { memoryMiB: -(server.memoryMiB + DOMAIN_OVERHEAD_MIB), vcpus: -server.vcpus, diskGiB: -diskGiB }, -1);
    server.holdsReservation = false;
    await this.servers.saveServer(server, manager);
  }

  /**
   * A move: room for the server on another host, `hostId` or placement's choice (the same
   * rules as an order: active hosts only, the pool's dedicated host or shared ones, one
   * customer's servers spread), reserved on that host only: the pool counts the server
   * already. Locks server (the caller's) -> pool -> host, like an order.
   */
  async reserveForMove(manager: EntityManager, server: Server, need: ResourceAmounts, hostId: string | null): Promise<Host> {
    const pool = await this.pools.lock(manager, server.poolId, server.customerId);
    const withOverhead = { ...need, memoryMiB: need.memoryMiB + DOMAIN_OVERHEAD_MIB };
    if (hostId === null) {
      const candidates = (await this.hosts.placeableFor(manager, pool)).filter((h) => h.id !== server.hostId);
      const mine = await this.servers.customerServersPerHost(server.customerId, manager);
      candidates.sort((a, b) => (mine.get(a.id) ?? 0) - (mine.get(b.id) ?? 0) || hostCapacity(b).memoryMiB.free - hostCapacity(a).memoryMiB.free);
      for (const candidate of candidates) {
        if (!fits(candidate, need)) continue;
        const host = await this.hosts.lockById(candidate.id, manager);
        if (!host || host.status !== 'active' || !fits(host, need)) continue;
        await this.hosts.addAllocation(manager, host.id, withOverhead, 1);
        return host;
      }
      throw this.noRoom(candidates, pool, need);
    }
    const host = await this.hosts.lockById(hostId, manager);
    if (!host) throw new NotFoundError('host', hostId);
    if (host.status !== 'active') {
      throw new ConflictError('host_not_active', `Host ${host.name} is ${host.status}; only active hosts take servers.`, { hostStatus: host.status });
    }
    if (pool.kind === 'dedicated' && host.id !== pool.hostId) {
      throw new ConflictError('host_not_allowed', `The server's pool is dedicated to its own host; it cannot move to host ${host.name}.`);
    }
    if (pool.kind !== 'dedicated' && host.dedicatedCustomerId !== null) {
      throw new ConflictError('host_not_allowed', `Host ${host.name} is dedicated to a customer; shared pools' servers cannot move there.`);
    }
    const short = shortOn(host, need);
    if (short.length > 0) throw new ConflictError('host_full', `Host ${host.name} has no room for this server (${short.join('; ')}).`, { short });
    await this.hosts.addAllocation(manager, host.id, withOverhead, 1);
    return host;
  }

  /** Gives back what a server (or a move for it) holds on one host: its resources and its place. */
  async releaseFromHost(manager: EntityManager, hostId: string, held: ResourceAmounts): Promise<void> {
    const host = await this.hosts.lockById(hostId, manager);
    if (host) await this.hosts.addAllocation(manager, host.id, { memoryMiB: -(held.memoryMiB + DOMAIN_OVERHEAD_MIB), vcpus: -held.vcpus, diskGiB: -held.diskGiB }, -1);
  }

  /** Adds to (or with negative amounts takes from) what a host counts for a server already placed on it. */
  async adjustOnHost(manager: EntityManager, hostId: string, delta: ResourceAmounts): Promise<void> {
    const host = await this.hosts.lockById(hostId, manager);
    if (host) await this.hosts.addAllocation(manager, host.id, delta, 0);
  }

  private async placeOnHost(manager: EntityManager, pool: Pool, customerId: string, need: ResourceAmounts): Promise<Host> {
    const candidates = await this.hosts.placeableFor(manager, pool);
    const mine = await this.servers.customerServersPerHost(customerId, manager);
    // Spread one customer's servers across hosts, then prefer the host with the most free memory.
    candidates.sort((a, b) => (mine.get(a.id) ?? 0) - (mine.get(b.id) ?? 0) || hostCapacity(b).memoryMiB.free - hostCapacity(a).memoryMiB.free);
    for (const candidate of candidates) {
      if (!fits(candidate, need)) continue;
      const host = await this.hosts.lockById(candidate.id, manager);
      if (!host || host.status !== 'active' || !fits(host, need)) continue;
      await this.hosts.addAllocation(manager, host.id, { ...need, memoryMiB: need.memoryMiB + DOMAIN_OVERHEAD_MIB }, 1);
      return host;
    }
    throw this.noRoom(candidates, pool, need);
  }

  private noRoom(candidates: Host[], pool: Pool, need: ResourceAmounts): ConflictError {
    if (candidates.length === 0) {
      return new ConflictError(
        'no_host_available',
        pool.kind === 'dedicated'
          ? 'The dedicated host of this pool is not active (draining, maintenance or retired); ask the operator.'
          : 'No active shared host takes new servers right now; ask the operator.',
      );
    }
    const largest = candidates
      .map((h) => hostCapacity(h))
      .map((c) => ({ memoryMiB: Math.max(0, c.memoryMiB.free - DOMAIN_OVERHEAD_MIB), vcpus: c.vcpus.free, diskGiB: c.diskGiB.free }))
      .sort((a, b) => b.memoryMiB - a.memoryMiB)[0]!;
    return new ConflictError(
      'no_host_capacity',
      `No host has room for ${need.memoryMiB} MiB, ${need.vcpus} vCPUs and ${need.diskGiB} GiB. ` +
        `The largest server that fits now: ${largest.memoryMiB} MiB, ${largest.vcpus} vCPUs, ${largest.diskGiB} GiB.`,
      { requested: need, largestFit: largest },
    );
  }
}

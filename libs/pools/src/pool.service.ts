import { Injectable } from '@nestjs/common';
import { Clock, ConflictError, InvalidInputError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { PG_CHECK_VIOLATION, pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { HostRepository } from '@carve/inventory';
import { Actor, scopeOf } from '@carve/tenancy';
import { EntityManager } from 'typeorm';
import { dedicatedSizes } from './dedicated-pool-size';
import { PoolCeilingRepository } from './pool-ceiling.repository';
import { PoolLiveServers } from './pool-live-servers';
import { PoolBelowAllocationError, PoolCeilingExceededError } from './pool.errors';
import { Pool, PoolBillingMode } from './pool.entity';
import { PoolFilter, PoolRepository, PoolServer } from './pool.repository';
import { belowAllocation, ceilingExcesses, PoolSizes, POOL_RESOURCES, ZERO_SIZES } from './pool-resources';
import { allocatedOf, sizesOf } from './pool-usage';

export type CreatePoolInput = { name: string; customerId?: string } & (({ kind: 'shared'; billing?: PoolBillingMode } & PoolSizes) | { kind: 'dedicated'; hostId: string });
/** billing: shared pools only. monthlyPrice: dedicated pools only, operators only; null stops billing the rent. */
export type UpdatePoolInput = Partial<PoolSizes> & { name?: string; billing?: PoolBillingMode; monthlyPrice?: string | null };

export interface PoolDetail {
  pool: Pool;
  servers: PoolServer[];
}

/** Customers' pools: create, read, resize and delete, each within the caller's tenant. */
@Injectable()
export class PoolService {
  constructor(
    private readonly pools: PoolRepository,
    private readonly ceilings: PoolCeilingRepository,
    private readonly hosts: HostRepository,
    private readonly clock: Clock,
    private readonly liveServers: PoolLiveServers,
  ) {}

  async create(actor: Actor, input: CreatePoolInput): Promise<Pool> {
    const customerId = await this.ownerOf(actor, input.customerId);
    return this.saving(input.name, () =>
      this.pools.transaction(async (manager) => {
        const { hostId, sized } =
          input.kind === 'shared'
            ? { hostId: null, sized: await this.sharedSizesWithinCeiling(manager, customerId, pickSizes(input)) }
            : await this.dedicatedHost(manager, customerId, input.hostId);
        const billing = input.kind === 'shared' ? (input.billing ?? 'transfer') : 'transfer';
        const pool = await this.pools.insert(manager, { customerId, name: input.name, kind: input.kind, hostId, billing, ...sized });
        await this.recordSize(manager, actor, pool);
        return pool;
      }),
    );
  }

  async list(actor: Actor, page: PageRequest, filter: PoolFilter): Promise<Page<Pool>> {
    if (filter.customerId && actor.customerId !== null) {
      throw new InvalidInputError([{ field: 'query.customerId', message: 'is not a field of this request' }]);
    }
    return toPage(await this.pools.list(scopeOf(actor), page, filter), page.limit, (p) => p);
  }

  async get(actor: Actor, id: string): Promise<PoolDetail> {
    const pool = await this.pools.findInScope(scopeOf(actor), id);
    if (!pool) throw new NotFoundError('pool', id);
    return { pool, servers: await this.pools.serversOf(scopeOf(actor), id) };
  }

  /** For carve itself, not a caller: every customer's live shared pools that have a transfer allowance (metering's transfer alerts). */
  sharedWithTransferAllowance(): Promise<Pool[]> {
    return this.pools.sharedWithTransfer({ kind: 'operator' });
  }

  async sizeHistory(actor: Actor, id: string) {
    const pool = await this.pools.findInScope(scopeOf(actor), id);
    if (!pool) throw new NotFoundError('pool', id);
    return this.pools.sizeChanges(scopeOf(actor), id);
  }

  /**
   * Renames, resizes and/or changes how the pool is billed. A billing change (mode,
   * monthly price) is read when the invoice run bills a period, so it applies to the whole
   * of the next invoice, not from the instant it was made. A resize locks the customer's ceiling row, then the pool row,
   * the same order every size change takes, so concurrent resizes of one customer's pools
   * queue instead of both fitting under the ceiling.
   */
  async update(actor: Actor, id: string, changes: UpdatePoolInput): Promise<Pool> {
    const resizing = POOL_RESOURCES.some((r) => changes[r] !== undefined);
    if (changes.monthlyPrice !== undefined && actor.customerId !== null) {
      throw new InvalidInputError([{ field: 'monthlyPrice', message: "is not a field of this request: your provider sets a dedicated pool's price" }]);
    }
    return this.saving(changes.name ?? '', () =>
      this.pools.transaction(async (manager) => {
        const scope = scopeOf(actor);
        const found = await this.pools.findInScope(scope, id, manager);
        if (!found) throw new NotFoundError('pool', id);
        refuseFieldsOfOtherKind(found, changes);
        if (resizing && found.kind === 'dedicated') {
          throw new ConflictError('dedicated_pool_fixed_size', "A dedicated pool's size follows its host's capacity and cannot be set. Change the name only, or ask your provider about the host.");
        }
        const ceiling = resizing ? await this.ceilings.lock(manager, found.customerId) : null;
        const pool = await this.pools.lockInScope(scope, id, manager);
        if (!pool) throw new NotFoundError('pool', id);
        if (changes.name !== undefined) pool.name = changes.name;
        if (changes.billing !== undefined) pool.billing = changes.billing;
        if (changes.monthlyPrice !== undefined) pool.monthlyPrice = changes.monthlyPrice;
        const current = sizesOf(pool);
        const next: PoolSizes = { ...current, ...pickDefined(changes) };
        const sizeChanged = POOL_RESOURCES.some((r) => next[r] !== current[r]);
        if (sizeChanged) {
          const below = belowAllocation(next, allocatedOf(pool));
          if (below.length > 0) throw new PoolBelowAllocationError(below);
          // Only growth needs room under the ceiling; shrinking one resource never fails because of another.
          const grown = POOL_RESOURCES.filter((r) => next[r] > current[r]);
          const others = await this.pools.sharedTotals(manager, pool.customerId, pool.id);
          const excess = ceilingExcesses(ceiling ?? ZERO_SIZES, others, next).filter((e) => grown.includes(e.resource));
          if (excess.length > 0) throw new PoolCeilingExceededError(excess, ceiling !== null);
          Object.assign(pool, next);
        }
        const saved = await this.pools.save(manager, pool);
        if (sizeChanged) await this.recordSize(manager, actor, saved);
        return saved;
      }),
    );
  }

  /** Deletes a pool without servers. Its size history stays, closed by a zero-size row, for billing. */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.pools.transaction(async (manager) => {
      const pool = await this.pools.lockInScope(scopeOf(actor), id, manager);
      if (!pool) throw new NotFoundError('pool', id);
      const servers = Math.max(pool.serverCount, await this.liveServers.count(manager, id));
      if (servers > 0) {
        throw new ConflictError('pool_in_use', `Pool ${pool.name} still has ${servers} server(s). Delete them first.`, { serverCount: servers });
      }
      const now = this.clock.now();
      await this.pools.recordSizeChange(manager, { poolId: pool.id, customerId: pool.customerId, ...ZERO_SIZES, effectiveAt: now, changedByUserId: actor.userId });
      await this.pools.delete(manager, id, now);
    });
  }

  /** Customers own their pools; operators name the customer they create one for. */
  private async ownerOf(actor: Actor, customerId: string | undefined): Promise<string> {
    if (actor.customerId !== null) {
      if (customerId !== undefined) throw new InvalidInputError([{ field: 'customerId', message: 'is not a field of this request' }]);
      return actor.customerId;
    }
    if (customerId === undefined) throw new InvalidInputError([{ field: 'customerId', message: 'is required when an operator creates a pool' }]);
    if (!(await this.ceilings.customerExists(customerId))) throw new InvalidInputError([{ field: 'customerId', message: 'names no customer' }]);
    return customerId;
  }

  private async sharedSizesWithinCeiling(manager: EntityManager, customerId: string, sizes: PoolSizes): Promise<PoolSizes> {
    const ceiling = await this.ceilings.lock(manager, customerId);
    const others = await this.pools.sharedTotals(manager, customerId);
    const excess = ceilingExcesses(ceiling ?? ZERO_SIZES, others, sizes);
    if (excess.length > 0) throw new PoolCeilingExceededError(excess, ceiling !== null);
    return sizes;
  }

  /** The host locked, dedicated to this customer and active; a pool of its whole capacity. */
  private async dedicatedHost(manager: EntityManager, customerId: string, hostId: string): Promise<{ hostId: string; sized: PoolSizes }> {
    const host = await this.hosts.lockById(hostId, manager);
    // One answer for missing, someone else's and shared hosts: a customer learns nothing about hosts it does not rent.
    if (!host || host.dedicatedCustomerId !== customerId) {
      throw new InvalidInputError([{ field: 'hostId', message: 'is not a host dedicated to this customer' }]);
    }
    if (host.status !== 'active') {
      throw new ConflictError('host_not_active', `Host ${host.name} is ${host.status}; a dedicated pool needs an active host.`, { hostStatus: host.status });
    }
    return { hostId: host.id, sized: dedicatedSizes(host) };
  }

  private async recordSize(manager: EntityManager, actor: Actor, pool: Pool): Promise<void> {
    await this.pools.recordSizeChange(manager, { poolId: pool.id, customerId: pool.customerId, ...sizesOf(pool), effectiveAt: this.clock.now(), changedByUserId: actor.userId });
  }

  private async saving<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const code = pgErrorCode(error);
      const constraint = pgConstraint(error);
      if (code === PG_UNIQUE_VIOLATION && constraint === 'pools_customer_name_key') {
        throw new ConflictError('duplicate_pool_name', `This account already has a pool named ${name}.`, { fields: [{ field: 'name', message: 'is already taken' }] });
      }
      if (code === PG_UNIQUE_VIOLATION && constraint === 'pools_dedicated_host_key') {
        throw new ConflictError('host_already_pooled', 'This host already has a dedicated pool; a dedicated host holds exactly one.', { fields: [{ field: 'hostId', message: 'already has a pool' }] });
      }
      if (code === PG_CHECK_VIOLATION && constraint === 'pools_monthly_price_check') {
        throw new InvalidInputError([{ field: 'monthlyPrice', message: 'must not be negative' }]);
      }
      if (code === PG_CHECK_VIOLATION && constraint === 'pools_billing_check') {
        throw new InvalidInputError([{ field: 'billing', message: 'must be one of: transfer, p95' }]);
      }
      if (code === PG_CHECK_VIOLATION) {
        // The row lock makes this unreachable in practice; answer as the rule it stands for.
        throw new ConflictError('pool_below_allocation', "The new size is below what the pool's servers use.");
      }
      throw error;
    }
  }
}

/** A shared pool is billed by transfer or p95, a dedicated one its monthly price: each field belongs to one kind. */
function refuseFieldsOfOtherKind(pool: Pool, changes: UpdatePoolInput): void {
  if (pool.kind === 'dedicated' && changes.billing !== undefined) {
    throw new InvalidInputError([{ field: 'billing', message: 'applies to shared pools only: a dedicated pool is billed its monthlyPrice' }]);
  }
  if (pool.kind === 'shared' && changes.monthlyPrice !== undefined) {
    throw new InvalidInputError([{ field: 'monthlyPrice', message: 'applies to dedicated pools only: a shared pool is billed by its sizes and usage' }]);
  }
}

function pickSizes(input: PoolSizes): PoolSizes {
  return { memoryMiB: input.memoryMiB, vcpus: input.vcpus, diskGiB: input.diskGiB, transferGB: input.transferGB };
}

function pickDefined(changes: Partial<PoolSizes>): Partial<PoolSizes> {
  return Object.fromEntries(POOL_RESOURCES.filter((r) => changes[r] !== undefined).map((r) => [r, changes[r]]));
}

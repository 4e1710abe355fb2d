import { ConflictError } from '@carve/core';
import { AllocationShortfall, CeilingExcess, describeAmount, PoolResource, RESOURCE_WORDS, Shortage } from './pool-resources';

/** A shared pool would take the customer's shared pools past the ceiling the operator set. */
export class PoolCeilingExceededError extends ConflictError {
  constructor(excesses: CeilingExcess[], hasCeiling: boolean) {
    const [first] = excesses;
    const parts = excesses.map((e) => `${RESOURCE_WORDS[e.resource].noun}: ${describeAmount(e.resource, e.requested)} requested, ${describeAmount(e.resource, e.available)} available`);
    const next = hasCeiling
      ? 'Make the pool smaller, shrink another shared pool, or ask your provider to raise your ceiling.'
      : 'No pool ceiling is set for this account yet: ask your provider to set one.';
    super('pool_ceiling_exceeded', `This would exceed the account's pool ceiling (${parts.join('; ')}). ${next}`, {
      resource: first?.resource,
      requested: first?.requested,
      available: first?.available,
      exceeded: excesses,
    });
  }
}

/** A pool cannot shrink below what its servers hold. */
export class PoolBelowAllocationError extends ConflictError {
  constructor(shortfalls: AllocationShortfall[]) {
    const [first] = shortfalls;
    const parts = shortfalls.map((s) => `${RESOURCE_WORDS[s.resource].noun}: ${describeAmount(s.resource, s.inUse)} in use, ${describeAmount(s.resource, s.requested)} requested`);
    super('pool_below_allocation', `The pool's servers use more than the new size (${parts.join('; ')}). Shrink or delete servers first.`, {
      resource: first?.resource,
      requested: first?.requested,
      inUse: first?.inUse,
      shortfalls,
    });
  }
}

/** A reservation asks for more than the pool has free. */
export class PoolExhaustedError extends ConflictError {
  constructor(poolName: string, shortages: Shortage[]) {
    const parts = shortages.map((s) => `${RESOURCE_WORDS[s.resource].noun}: ${describeAmount(s.resource, s.requested)} requested, ${describeAmount(s.resource, s.free)} free`);
    super('pool_exhausted', `Pool ${poolName} has not enough room (${parts.join('; ')}). Resize the pool or use a smaller server.`, { shortages });
  }
}

/** A ceiling lowered below what the customer's shared pools already add up to. */
export class CeilingBelowPoolsError extends ConflictError {
  constructor(excesses: { resource: PoolResource; requested: number; inUse: number }[]) {
    const [first] = excesses;
    const parts = excesses.map((e) => `${RESOURCE_WORDS[e.resource].noun}: ${describeAmount(e.resource, e.inUse)} in shared pools, ${describeAmount(e.resource, e.requested)} requested`);
    super('ceiling_below_pools', `The customer's shared pools already add up to more than this ceiling (${parts.join('; ')}). Shrink or delete pools first.`, {
      resource: first?.resource,
      requested: first?.requested,
      inUse: first?.inUse,
      excesses,
    });
  }
}

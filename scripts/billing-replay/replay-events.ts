import type { Scenario, ScenarioCustomer, ScenarioPool, ScenarioPriceVersion, ScenarioRental, ScenarioServer, ScenarioSizeChange, ScenarioUsage } from './scenario';

/** One thing that happens to carve during a replay, at the instant the replay's clock is set to for it. */
export type ReplayEvent =
  | { type: 'price-version'; at: number; path: string; version: ScenarioPriceVersion }
  | { type: 'pool-size'; at: number; path: string; customer: ScenarioCustomer; pool: ScenarioPool; change: ScenarioSizeChange; creates: boolean }
  | { type: 'rental-start'; at: number; path: string; customer: ScenarioCustomer; rental: ScenarioRental }
  | { type: 'rental-end'; at: number; path: string; customer: ScenarioCustomer; rental: ScenarioRental }
  | { type: 'usage'; at: number; path: string; customer: ScenarioCustomer; pool: ScenarioPool; server: ScenarioServer; usage: ScenarioUsage };

/** At one instant: prices first, then pools, rentals starting, rentals ending, usage last. */
const RANK: Record<ReplayEvent['type'], number> = { 'price-version': 0, 'pool-size': 1, 'rental-start': 2, 'rental-end': 3, usage: 4 };

/**
 * The scenario as carve would have lived it, in time order. A usage entry arrives when
 * its span ends (a reading closes a span); one that ends before its pool was created
 * arrives right after the creation, since usage is stored under the pool's id.
 */
export function replayEvents(scenario: Scenario): ReplayEvent[] {
  const events: ReplayEvent[] = scenario.priceBook.map((version) => ({ type: 'price-version', at: version.at, path: version.path, version }));
  for (const customer of scenario.customers) {
    for (const pool of customer.pools) {
      pool.sizes.forEach((change, i) => events.push({ type: 'pool-size', at: change.at, path: change.path, customer, pool, change, creates: i === 0 }));
      const created = pool.sizes[0]!.at;
      for (const server of pool.servers) {
        for (const usage of server.usage) events.push({ type: 'usage', at: Math.max(usage.to, created), path: usage.path, customer, pool, server, usage });
      }
    }
    for (const rental of customer.dedicated) {
      events.push({ type: 'rental-start', at: rental.from, path: rental.path, customer, rental });
      if (rental.to !== null) events.push({ type: 'rental-end', at: rental.to, path: `${rental.path}.to`, customer, rental });
    }
  }
  // Array.prototype.sort is stable: ties keep the file's order.
  return events.sort((a, b) => a.at - b.at || RANK[a.type] - RANK[b.type]);
}

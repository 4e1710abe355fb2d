import { createHash } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { InvoiceRepository, InvoiceRuns, PriceBook } from '@carve/billing';
import { Clock } from '@carve/core';
import { HostService } from '@carve/inventory';
import { SpanBatch, UsageIngest, UsageSpan, ZERO_COUNTERS } from '@carve/metering';
import { PoolCeilingService, PoolService } from '@carve/pools';
import { Actor, CustomerService, ensureBootstrapOperator, TokenService } from '@carve/tenancy';
import { DataSource } from 'typeorm';
import { ReplayClock } from './replay-clock';
import { ReplayEvent, replayEvents } from './replay-events';
import { invoiceOutput, ReplayOutput } from './replay-output';
import { GAP_AFTER_MS, Scenario, ScenarioCustomer, ScenarioPool, ScenarioRental, ScenarioServer, ScenarioUsage } from './scenario';

/** A step of the scenario that carve refused or failed at, with the path of the scenario entry it came from. */
export class ReplayStepError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`${path}: ${describe(cause)}`, { cause });
    this.name = 'ReplayStepError';
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const fields = (error as { extensions?: { fields?: { field: string; message: string }[] } }).extensions?.fields;
  const detail = fields?.length ? `${error.message} (${fields.map((f) => `${f.field}: ${f.message}`).join('; ')})` : error.message;
  return typeof code === 'string' && /^[a-z_]+$/.test(code) ? `${code}: ${detail}` : detail;
}

/** The pools lib's integer columns: a ceiling no scenario's pools can reach, so only the scenario decides sizes. */
const NO_CEILING = { memoryMiB: 2_147_483_647, vcpus: 2_147_483_647, diskGiB: 2_147_483_647, transferGB: 2_147_483_647 };
/** Spans per UsageIngest.ingestSpans call. */
const INGEST_BATCH = 5000;

/** A stable uuid (version 5 layout) for a name: the same scenario gives the same server ids. */
function uuidOf(name: string): string {
  const hex = createHash('sha1').update(`carve billing:replay\0${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Usage has no host in the scenario: every server ran on one synthetic host (usage tables have no foreign keys; pools sum wherever servers ran). */
const SHARED_HOST_ID = uuidOf('shared host');

function spanOf(usage: ScenarioUsage): UsageSpan {
  return {
    from: usage.from,
    to: usage.to,
    kind: usage.to - usage.from > GAP_AFTER_MS ? 'gap' : 'measured',
    memoryMiB: usage.memoryMiB,
    usage: { ...ZERO_COUNTERS, cpuMs: usage.cpuMs, readBytes: usage.readBytes, writeBytes: usage.writeBytes, netOutBytes: usage.netOutBytes, netInBytes: usage.netInBytes },
  };
}

/**
 * Plays a parsed scenario into the (fresh) database behind app through carve's own
 * services, the clock set to each event's instant, then runs the real invoice run for
 * the period with the clock one second past its end, and answers the invoices, customers
 * in the scenario's order.
 */
export async function replayScenario(app: INestApplicationContext, scenario: Scenario, clock: ReplayClock, say: (line: string) => void): Promise<ReplayOutput> {
  if (app.get(Clock) !== clock) throw new Error("the replay's clock did not replace CoreModule's Clock: every effective time would be the wall clock's");
  const events = replayEvents(scenario);
  const { period } = scenario;
  clock.set(Math.min(events[0]?.at ?? period.start, period.start));

  const customers = app.get(CustomerService);
  const ceilings = app.get(PoolCeilingService);
  const pools = app.get(PoolService);
  const hosts = app.get(HostService);
  const priceBook = app.get(PriceBook);
  const ingest = app.get(UsageIngest);

  const bootstrap = await ensureBootstrapOperator(app.get(DataSource));
  if (!bootstrap.token) throw new Error('the replay database already had an operator: it is not fresh');
  const operator: Actor = await app.get(TokenService).authenticate(bootstrap.token);

  const customerIds = new Map<ScenarioCustomer, string>();
  for (const [i, customer] of scenario.customers.entries()) {
    const created = await step(customer.path, () => customers.create({ name: customer.name, taxRate: customer.taxRate, adminName: 'Replay admin', adminEmail: `admin-${i}@replay.invalid` }));
    await ceilings.set(created.id, NO_CEILING);
    customerIds.set(customer, created.id);
  }

  const poolIds = new Map<ScenarioPool | ScenarioRental, string>();
  const serverIds = new Map<ScenarioServer, string>();
  let pending: Extract<ReplayEvent, { type: 'usage' }>[] = [];
  let hostCount = 0;
  let spans = 0;

  const flushUsage = async () => {
    if (pending.length === 0) return;
    const batches = new Map<string, SpanBatch>();
    for (const e of pending) {
      let serverId = serverIds.get(e.server);
      if (!serverId) serverIds.set(e.server, (serverId = uuidOf(`server\0${e.customer.name}\0${e.pool.name}\0${e.server.name}`)));
      const batch = batches.get(serverId) ?? { server: { id: serverId, customerId: customerIds.get(e.customer)!, poolId: poolIds.get(e.pool)! }, hostId: SHARED_HOST_ID, spans: [] };
      batch.spans.push(spanOf(e.usage));
      batches.set(serverId, batch);
    }
    const first = pending[0]!.path;
    const count = pending.length;
    pending = [];
    const stored = await step(count === 1 ? first : `${first} (and the ${count - 1} usage entries after it)`, () => ingest.ingestSpans([...batches.values()]));
    if (stored !== count) throw new ReplayStepError(first, `carve stored ${stored} of ${count} usage spans: two entries of a server start at the same instant`);
    spans += stored;
  };

  for (const event of events) {
    if (event.type !== 'usage') await flushUsage();
    clock.set(event.at);
    switch (event.type) {
      case 'price-version':
        await step(event.path, () => priceBook.create(operator, { effectiveFrom: event.version.effectiveFrom, currency: event.version.currency, ...event.version.prices }));
        break;
      case 'pool-size': {
        const { pool, change } = event;
        if (event.creates) {
          const created = await step(event.path, () => pools.create(operator, { kind: 'shared', name: pool.name, customerId: customerIds.get(event.customer)!, billing: pool.billing, ...change.size! }));
          poolIds.set(pool, created.id);
        } else if (change.size === null) {
          await step(event.path, () => pools.remove(operator, poolIds.get(pool)!));
        } else {
          await step(event.path, () => pools.update(operator, poolIds.get(pool)!, { ...change.size! }));
        }
        break;
      }
      case 'rental-start': {
        const customerId = customerIds.get(event.customer)!;
        const name = `replay-dedicated-${++hostCount}`;
        const id = await step(event.path, async () => {
          // A dedicated rental in carve: a host dedicated to the customer, carrying one dedicated pool that is billed its monthly price.
          const host = await hosts.register({
            name,
            sshAddress: `${name}.replay.invalid`,
            hostKeyFingerprint: `SHA256:${createHash('sha256').update(name).digest('base64').replace(/=+$/, '')}`,
            cpuThreads: 16,
            totalMemoryMiB: 65_536,
            dom0MemoryMiB: 2048,
            volumeGroup: 'vg0',
            volumeGroupSizeGiB: 1000,
            transferAllowanceGB: 0,
            uplinkMbit: 1000,
            monthlyCostMinor: 0,
            currency: scenario.priceBook[0]!.currency,
            dedicatedCustomerId: customerId,
          });
          const pool = await pools.create(operator, { kind: 'dedicated', name: event.rental.name, customerId, hostId: host.id });
          await pools.update(operator, pool.id, { monthlyPrice: event.rental.monthlyPrice });
          return pool.id;
        });
        poolIds.set(event.rental, id);
        break;
      }
      case 'rental-end':
        await step(event.path, () => pools.remove(operator, poolIds.get(event.rental)!));
        break;
      case 'usage':
        pending.push(event);
        if (pending.length >= INGEST_BATCH) await flushUsage();
        break;
    }
  }
  await flushUsage();
  say(`${events.length - spans} size, price and rental events and ${spans} usage spans replayed`);

  clock.set(period.end + 1000);
  const run = await step(`the invoice run for ${period.month}`, () => app.get(InvoiceRuns).run(period.month, 'replay'));
  say(`invoice run ${period.month} (${period.timeZone}): ${run.invoices.length} invoice(s) issued`);
  const lines = await app.get(InvoiceRepository).lines(run.invoices.map((i) => i.id));
  const byCustomer = new Map(run.invoices.map((i) => [i.customerId, i]));
  return {
    invoices: scenario.customers.flatMap((c) => {
      const invoice = byCustomer.get(customerIds.get(c)!);
      return invoice ? [invoiceOutput(c.name, invoice, lines.get(invoice.id) ?? [])] : [];
    }),
  };
}

async function step<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof ReplayStepError ? error : new ReplayStepError(path, error);
  }
}

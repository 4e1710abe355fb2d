import { join } from 'node:path';
import type { ServerView } from './api-types';
import { buySharedPool, createDedicatedPool } from './customer-pools';
import type { DemoContext } from './demo-context';
import { printJobsQueue, printPools } from './final-report';
import { createCustomer, dedicateHost, ensureImage, findFreeHost, setCeiling, showHosts, type DemoCustomer } from './operator-setup';
import { deleteServer, growMemoryLive, switchRootThenReboot } from './server-actions';
import { followCreates, orderServer, type OrderedServer } from './server-orders';
import { ensurePrices, invoiceMonth, previousMonth, printMargin, setMonthlyPrice, setTaxRate } from './billing-tour';
import { noisyNeighbour } from './noisy-neighbour';
import type { MovedServer } from './move-tour';
import { historyDays, seedHistory, stageWorkload } from './usage-history';
import { printHostCpu, printPoolTransfer, printServerUsage, saveGraphs } from './usage-tour';

export interface DemoOutcome {
  running: ServerView[];
  deleted: ServerView[];
  /** False when no host was free to dedicate, so customer B's part was skipped. */
  dedicated: boolean;
  /** The noisy neighbour moved off its host; undefined when the hosts are not local simulators. */
  moved?: MovedServer;
}

/**
 * The story, told through the public API: an operator sets up two customers, one buys a
 * shared pool, the other gets a whole host; they order servers with several filesystems
 * and change them; every change is a job followed live; a third customer's server turns
 * into a noisy neighbour, is found in the IO impact report and moved to another host; the
 * queue and pools close it.
 */
export async function runDemoStory(ctx: DemoContext): Promise<DemoOutcome> {
  const n = ctx.narrator;

  n.step('Operator', 'the Dom0 hosts carve manages');
  const hosts = await showHosts(ctx);
  const hostNames = new Map(hosts.map((h) => [h.id, h.name]));

  n.step('Operator', 'creates two customers and hands each admin an API token');
  const acme = await createCustomer(ctx, 'Acme Shop', 'Ada Admin', 'acme.example');
  const globex = await createCustomer(ctx, 'Globex Labs', 'Grace Admin', 'globex.example');

  n.step('Operator', 'makes sure the debian-12 image exists');
  const image = await ensureImage(ctx);

  n.step('Operator', 'sets how large each customer may make its shared pools (pool ceilings)');
  await setCeiling(ctx, acme, { memoryMiB: 16384, vcpus: 16, diskGiB: 1000, transferGB: 5000 });
  await setCeiling(ctx, globex, { memoryMiB: 8192, vcpus: 8, diskGiB: 500, transferGB: 2000 });

  n.step('Operator', `dedicates a whole host to ${globex.name}`);
  const freeHost = await findFreeHost(ctx, hosts);
  if (freeHost) await dedicateHost(ctx, freeHost, globex);
  else n.detail(`no free host (every host has servers, a dedicated customer or a dedicated pool): skipping ${globex.name}'s part`);

  n.step(acme.name, 'buys a shared pool of RAM, vCPUs, disk and transfer');
  const acmePool = await buySharedPool(ctx, acme, { memoryMiB: 8192, vcpus: 8, diskGiB: 400, transferGB: 2000 });
  const poolIds = [acmePool.id];

  let globexPoolId: string | undefined;
  if (freeHost) {
    n.step(globex.name, `carves a dedicated pool out of ${freeHost.name}`);
    globexPoolId = (await createDedicatedPool(ctx, globex, freeHost.id, freeHost.name)).id;
    poolIds.push(globexPoolId);
  }

  n.step('Customers', 'order servers with two ext4 roots (one with an inode count, one standby), XFS data and swap');
  const plans = [
    { customer: acme, poolId: acmePool.id, name: 'web', memoryMiB: 1024, maxMemoryMiB: 2048, vcpus: 1, maxVcpus: 2 },
    { customer: acme, poolId: acmePool.id, name: 'db', memoryMiB: 2048, maxMemoryMiB: 2048, vcpus: 2, maxVcpus: 2 },
    { customer: acme, poolId: acmePool.id, name: 'scratch', memoryMiB: 512, maxMemoryMiB: 512, vcpus: 1, maxVcpus: 1 },
    ...(globexPoolId ? [{ customer: globex, poolId: globexPoolId, name: 'app', memoryMiB: 4096, maxMemoryMiB: 8192, vcpus: 4, maxVcpus: 8 }] : []),
  ];
  const ordered: OrderedServer[] = [];
  for (const plan of plans) ordered.push(await orderServer(ctx, plan, image.id, hostNames));
  const serverNames = new Map(ordered.map((o) => [o.server.id, `${o.server.name}`]));

  n.step('Customers', 'follow their create jobs live (each step as it finishes)');
  const created = await followCreates(ctx, ordered);
  for (const s of created) n.detail(`${s.name}: ${s.state} on ${hostNames.get(s.hostId) ?? s.hostId}`);
  const byName = (name: string): ServerView => created.find((s) => s.name === name && s.customerId === acme.id)!;

  n.step(acme.name, 'grows web\'s memory while it runs');
  const web = await growMemoryLive(ctx, acme, byName('web'), 2048);

  n.step(acme.name, 'switches db to its standby root after a failed upgrade, then reboots it');
  const db = await switchRootThenReboot(ctx, acme, byName('db'));

  n.step(acme.name, 'deletes scratch');
  const scratch = await deleteServer(ctx, acme, byName('scratch'));

  // Before db turns io-heavy for the metering chapter, so the noisy neighbour is the only one.
  const noisy = await noisyNeighbour(ctx, image.id, hostNames);
  if (!noisy) n.detail('the hosts are not local simulators: no noisy neighbour staged, nothing moved');

  const running = [web, db, ...created.filter((s) => s.customerId === globex.id)];
  const month = previousMonth();
  await priceTheMonth(ctx, month, { acme, globex, globexPoolId, dedicatedHost: freeHost?.name });
  await tellUsage(ctx, { acme, poolId: acmePool.id, running, db, hostNames });
  await invoiceTheMonth(ctx, month, [acme, globex]);

  n.step('Operator', 'the jobs queue of this run, newest first');
  await printJobsQueue(ctx, [acme, globex], serverNames);

  n.step('Operator', 'the pools');
  await printPools(ctx, [acme, globex], poolIds);

  return { running, deleted: [scratch], dedicated: freeHost !== undefined, moved: noisy?.move };
}

interface BillingCast {
  acme: DemoCustomer;
  globex: DemoCustomer;
  globexPoolId?: string;
  dedicatedHost?: string;
}

/**
 * Prices, taxes and the dedicated rental's rent, set before the history is seeded: the
 * seed gives the pools their past last, and a scheduled run that sees it then bills it
 * exactly as the demo's own run will.
 */
async function priceTheMonth(ctx: DemoContext, month: string, { acme, globex, globexPoolId, dedicatedHost }: BillingCast): Promise<void> {
  ctx.narrator.step('Operator', `prices ${month} and sets each customer's tax`);
  await ensurePrices(ctx, month);
  await setTaxRate(ctx, acme, '0.19');
  await setTaxRate(ctx, globex, '0.10');
  if (globexPoolId) await setMonthlyPrice(ctx, globexPoolId, '120.00', `${globex.name}'s dedicated host ${dedicatedHost}`);
}

/** The previous month invoiced from the seeded history, the PDFs saved, the margin report. */
async function invoiceTheMonth(ctx: DemoContext, month: string, customers: DemoCustomer[]): Promise<void> {
  const n = ctx.narrator;
  n.step('Operator', `invoices ${month}: recurring charges prorated to the second, metered CPU, IO and transfer beyond what the pools include`);
  await invoiceMonth(ctx, month, customers, join(ctx.local.dataDir, 'demo', ctx.stamp));

  n.step('Operator', `the margin report for ${month}: what each host earned against what it costs`);
  await printMargin(ctx, month);
}

interface UsageCast {
  acme: DemoCustomer;
  poolId: string;
  running: ServerView[];
  /** Staged as the io-heavy tenant of its host. */
  db: ServerView;
  hostNames: Map<string, string>;
}

/** Metering: db turned io-heavy, weeks of history seeded, then what the API shows of it. */
async function tellUsage(ctx: DemoContext, { acme, poolId, running, db, hostNames }: UsageCast): Promise<void> {
  const n = ctx.narrator;
  const days = historyDays();
  n.step('Operator', `stages an io-heavy workload on db and seeds ${days} days of usage history for the running servers (through metering's ingest path)`);
  await stageWorkload(ctx, db, 'io-heavy');
  const profiles = new Map(running.map((s) => [s.id, s.id === db.id ? 'io-heavy' : s.name === 'web' ? 'web' : 'network-heavy']));
  await seedHistory(ctx, { servers: running, profiles, days });

  n.step('Operator', 'reads the last 24 hours of every server: db stands out on disk');
  await printServerUsage(ctx, running, hostNames);
  await printHostCpu(ctx, db.hostId, hostNames.get(db.hostId) ?? db.hostId, db.id);

  n.step(acme.name, "saves db's CPU, disk and network graphs for 24 hours and 30 days (one time axis: stacked, they line up)");
  const dir = join(ctx.local.dataDir, 'demo', ctx.stamp);
  for (const range of ['24h', '30d'] as const) n.detail(`open ${await saveGraphs(ctx, acme, db, range, dir)}`);

  n.step(acme.name, "reads its pool's transfer this month, shared by all its servers");
  await printPoolTransfer(ctx, acme, poolId);
}

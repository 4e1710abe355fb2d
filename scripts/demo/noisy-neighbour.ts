/**
 * The demo's IO fairness chapter: a third customer's small ETL server turns io-heavy on a
 * shared simulated host among quiet servers, the operator reads the IO impact report (and
 * saves its graph), then moves the offender to another host and follows the copy.
 */
import { join } from 'node:path';
import type { HostView, IoImpactReport, Page, ServerView } from './api-types';
import { buySharedPool } from './customer-pools';
import type { DemoContext } from './demo-context';
import { moveServer, type MovedServer } from './move-tour';
import { printIoImpact, saveIoImpactGraph } from './io-impact-tour';
import { createCustomer, listAll, setCeiling } from './operator-setup';
import { DemoExpectationError } from './server-actions';
import { followCreates, orderServer } from './server-orders';
import { stageWorkload } from './usage-history';

/** Small volumes, so the move's copy takes seconds. */
const ETL_DISKS = [{ label: 'root', sizeGiB: 1, filesystem: 'ext4', role: 'root' }] as const;

/** The report's resolution: contention is judged per minute. */
const STEP_MS = 60_000;
/** How long the collector may take to show the contention (a few METERING_INTERVAL_SECONDS past a minute). */
const CONTENTION_DEADLINE_MS = 180_000;
const POLL_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface NoisyNeighbourOutcome {
  offender: ServerView;
  /** Undefined when no other shared host could take it. */
  move?: MovedServer;
}

/** Undefined when the hosts are not local simulators (nothing can be staged on a real Dom0). */
export async function noisyNeighbour(ctx: DemoContext, imageId: string, hostNames: Map<string, string>): Promise<NoisyNeighbourOutcome | undefined> {
  const n = ctx.narrator;
  const started = Date.now();

  n.step('Operator', 'signs up Initech, whose small ETL server will soon hammer the disks of a shared host');
  const initech = await createCustomer(ctx, 'Initech', 'Ian Admin', 'initech.example');
  await setCeiling(ctx, initech, { memoryMiB: 2048, vcpus: 2, diskGiB: 20, transferGB: 500 });
  const pool = await buySharedPool(ctx, initech, { memoryMiB: 1024, vcpus: 1, diskGiB: 10, transferGB: 500 });
  const ordered = await orderServer(ctx, { customer: initech, poolId: pool.id, name: 'etl', memoryMiB: 512, maxMemoryMiB: 512, vcpus: 1, maxVcpus: 1, disks: ETL_DISKS }, imageId, hostNames);
  const [etl] = await followCreates(ctx, [ordered]);
  const hostId = etl!.hostId;
  const hostName = hostNames.get(hostId) ?? hostId;

  const neighbours = (await ctx.operator.get<Page<ServerView>>(`/v1/servers?hostId=${hostId}&state=running&limit=100`)).items.filter((s) => s.id !== etl!.id);
  n.step('Operator', `stages a noisy neighbour on ${hostName}: etl turns io-heavy among ${neighbours.map((s) => s.name).join(', ') || 'no other servers'}`);
  if (neighbours.length === 0) throw new DemoExpectationError(`etl is alone on ${hostName}: nobody to be a neighbour`);
  // The default rules: saturated disks read 100% busy (the reading's clock stamps the disks' stats), well over 90%.
  const policy = await ctx.operator.get<{ busyThresholdPercent: number }>(`/v1/hosts/${hostId}/io-policy`);
  n.detail(`${hostName}'s IO policy: a minute is contended when its busiest disk is more than ${policy.busyThresholdPercent}% busy (GET /v1/hosts/:id/io-policy; PATCH changes it per host)`);
  for (const s of neighbours) if (!(await stageWorkload(ctx, s, 'web'))) return undefined;
  const from = new Date(Math.floor(started / STEP_MS) * STEP_MS).toISOString();
  const reportPath = `/v1/hosts/${hostId}/io-impact?from=${encodeURIComponent(from)}`;
  await waitForQuietMinute(ctx, reportPath, neighbours, hostName);
  if (!(await stageWorkload(ctx, etl!, 'io-heavy'))) return undefined;

  n.step('Operator', `reads the IO impact report of ${hostName} (GET /v1/hosts/:id/io-impact) until the collector has seen the contention`);
  const report = await waitForOffender(ctx, reportPath, etl!, neighbours);
  printIoImpact(ctx, report);
  n.detail(`open ${await saveIoImpactGraph(ctx, hostId, hostName, from, join(ctx.local.dataDir, 'demo', ctx.stamp))}`);

  n.step('Operator', `moves etl off ${hostName} (POST /v1/servers/:id/move, placement chooses the target) and follows the copy`);
  const others = (await listAll<HostView>(ctx.operator, '/v1/hosts')).filter((h) => h.id !== hostId && h.status === 'active' && h.dedicatedCustomerId === null);
  if (others.length === 0) {
    n.detail(`no other active shared host to move etl to (npm start runs three simulated hosts unless CARVE_SIM_HOSTS says otherwise): the move is skipped`);
    return { offender: etl! };
  }
  const move = await moveServer(ctx, etl!, hostNames);
  return { offender: etl!, move };
}

/**
 * Waits until the neighbours have readings in a minute that has ended: their baseline (time
 * per request on quiet disks) comes from such minutes, and a minute shared with the
 * contention would be neither quiet nor fully contended.
 */
async function waitForQuietMinute(ctx: DemoContext, reportPath: string, neighbours: ServerView[], hostName: string): Promise<void> {
  const deadline = Date.now() + CONTENTION_DEADLINE_MS;
  for (;;) {
    const report = await ctx.operator.get<IoImpactReport>(reportPath);
    const read = new Set(report.servers.filter((s) => s.requests > 0).map((s) => s.serverId));
    if (neighbours.every((s) => read.has(s.id))) break;
    if (Date.now() > deadline) throw new DemoExpectationError(`the collector has not read ${neighbours.map((s) => s.name).join(', ')} on ${hostName} in ${CONTENTION_DEADLINE_MS / 1000} s`);
    await sleep(POLL_MS);
  }
  const boundary = Math.ceil((Date.now() + 1) / STEP_MS) * STEP_MS;
  ctx.narrator.detail(`the collector reads ${hostName} every interval and the report judges whole minutes: waiting ${Math.round((boundary - Date.now()) / 1000)} s for this quiet minute to end (the neighbours' baseline)`);
  await sleep(boundary - Date.now() + 1000);
}

/** Polls the report until etl is ranked first with a neighbour among its victims. */
async function waitForOffender(ctx: DemoContext, reportPath: string, etl: ServerView, neighbours: ServerView[]): Promise<IoImpactReport> {
  const started = Date.now();
  let lastNote = started;
  const ids = new Set(neighbours.map((s) => s.id));
  for (;;) {
    const report = await ctx.operator.get<IoImpactReport>(reportPath);
    const top = report.offenders[0];
    if (top?.serverId === etl.id && top.victims.some((v) => ids.has(v.serverId))) return report;
    if (Date.now() - started > CONTENTION_DEADLINE_MS) {
      throw new DemoExpectationError(
        `after ${CONTENTION_DEADLINE_MS / 1000} s the report does not rank etl first with a victim (offenders: ${report.offenders.map((o) => o.serverName).join(', ') || 'none'}; ${report.contentionWindows.length} contention window(s), busiest disk ${report.host.busyPercent.p95 ?? '?'}% busy at p95)`,
      );
    }
    if (Date.now() - lastNote >= 15_000) {
      ctx.narrator.detail(`waiting for the collector's readings of the contention (${Math.round((Date.now() - started) / 1000)} s)`);
      lastNote = Date.now();
    }
    await sleep(POLL_MS);
  }
}

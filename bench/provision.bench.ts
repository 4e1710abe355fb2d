/**
 * `npm run bench:provision [-- --servers N --hosts M]`: orders N servers (default 200) through
 * carve's HTTP API across M simulated Dom0 hosts (default 10) and measures orders accepted per
 * second and order-to-running latency, then live resizes, then carve no-op jobs through the
 * whole job machinery (a bench-only handler); then, in the same run, two baselines: raw BullMQ
 * no-op jobs at carve's worker concurrency, and the same SSH commands replayed by a plain script on
 * fresh simulated hosts with carve's per-host parallelism. Needs this machine's PostgreSQL and
 * Redis (TEST_POSTGRES_URL / TEST_REDIS_URL, as the tests use).
 */
import 'reflect-metadata';
import type { SimHost } from '@carve/dom0-sim';
import type { JobView } from '../scripts/demo/api-types';
import { parseBenchOptions } from './provision/bench-options';
import { startBenchSims, startBenchStack, type BenchStack } from './provision/bench-stack';
import { rawBullThroughput } from './provision/bullmq-baseline';
import { replayDirect, scriptsFromJobs } from './provision/direct-ssh-baseline';
import { benchCustomers, orderServers, readJobs, resizeServers, waitForJobs, type JobOutcome, type TimedJob } from './provision/order-phase';
import { addNoopJobs, noopLanes } from './provision/noop-phase';
import { ms, printReport, rate } from './provision/report';
import { percentile, perSecond } from './provision/stats';

const JOBS_TIMEOUT_MS = 150_000;
const NOOP_TARGET_RATIO = 0.5;
const WALL_TARGET_RATIO = 1.3;

function log(line: string): void {
  console.log(`[bench] ${line}`);
}

interface Phase {
  jobs: TimedJob[];
  outcomes: Map<string, JobOutcome>;
  acceptMs: number;
  wallMs: number;
}

async function phase(stack: BenchStack, name: string, run: () => Promise<TimedJob[]>): Promise<Phase> {
  const started = Date.now();
  const jobs = await run();
  const acceptMs = Math.max(...jobs.map((j) => j.acceptedAtMs)) - started;
  log(`${name}: ${jobs.length} accepted in ${ms(acceptMs)}; waiting for the jobs`);
  const outcomes = await waitForJobs(stack, jobs, JOBS_TIMEOUT_MS);
  const failed = [...outcomes.values()].filter((o) => o.status !== 'succeeded');
  if (failed.length > 0) {
    const [first] = (await stack.db.query('SELECT error FROM jobs WHERE id = $1', [failed[0]!.jobId])) as { error: string | null }[];
    throw new Error(`${failed.length} ${name} job(s) did not succeed; first: ${failed[0]!.status}: ${first?.error ?? 'no error recorded'}`);
  }
  const wallMs = Math.max(...[...outcomes.values()].map((o) => o.finishedAtMs ?? 0)) - started;
  log(`${name}: all ${jobs.length} jobs succeeded, ${ms(wallMs)} from the first request`);
  return { jobs, outcomes, acceptMs, wallMs };
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const runStarted = Date.now();
  log(`starting carve (API on a real port, worker, ${options.hosts} simulated hosts) for ${options.servers} servers`);
  const stack = await startBenchStack(options.hosts);
  let freshSims: SimHost[] = [];
  try {
    const { config } = stack;
    const customers = await benchCustomers(stack, options.customers, options.servers);

    const create = await phase(stack, 'orders', () => orderServers(stack, customers, options.servers, options.clientConcurrency));
    const latencies = create.jobs.map((j) => create.outcomes.get(j.jobId)!.finishedAtMs! - j.sentAtMs);
    const [running] = (await stack.db.query(`SELECT count(*)::int AS n FROM servers WHERE state = 'running'`)) as { n: number }[];
    const hostsUsed = new Set(create.jobs.map((j) => j.hostId)).size;

    const resize = await phase(stack, 'live memory resizes', () => resizeServers(customers, create.jobs, options.clientConcurrency));

    const lanes = await noopLanes(stack, create.jobs);
    const noop = await phase(stack, 'carve no-op jobs', () => addNoopJobs(stack, lanes, options.noopJobs));

    log(`baseline (a): ${options.noopJobs} raw BullMQ no-op jobs at concurrency ${config.workerConcurrency}`);
    const bull = await rawBullThroughput(config.redisUrl, `${config.redisPrefix}:rawbull`, options.noopJobs, config.workerConcurrency);

    log('baseline (b): reading the create jobs\' recorded commands; replaying them on fresh simulated hosts');
    const jobs: JobView[] = await readJobs(stack.api, create.jobs.map((j) => j.jobId), 8);
    const hostOfJob = new Map(create.jobs.map((j) => [j.jobId, j.hostId]));
    const { scripts, unmatched } = scriptsFromJobs(jobs, (job) => hostOfJob.get(job.id)!, stack.recorder);
    if (unmatched > 0) throw new Error(`${unmatched} recorded command line(s) were never seen on the wire; cannot replay them faithfully`);
    freshSims = await startBenchSims(options.hosts, stack.keys.public, 'bench');
    const simOf = new Map(stack.hosts.map((h, i) => [h.id, freshSims[i]!]));
    const direct = await replayDirect(scripts, simOf, stack.keys.private, { perHost: config.jobsPerHost, maxChannelsPerHost: config.sshMaxChannelsPerHost });

    const createThroughput = perSecond(options.servers, create.wallMs);
    const resizeThroughput = perSecond(options.servers, resize.wallMs);
    const noopThroughput = perSecond(options.noopJobs, noop.wallMs);
    const bullThroughput = perSecond(bull.jobs, bull.wallMs);
    const noopRatio = noopThroughput / bullThroughput;
    const createRatio = createThroughput / bullThroughput;
    const resizeRatio = resizeThroughput / bullThroughput;
    const wallRatio = create.wallMs / direct.wallMs;
    printReport(`carve provisioning benchmark: ${options.servers} servers on ${options.hosts} simulated hosts (${hostsUsed} used) for ${options.customers} customers, 4 disks each (ext4 x2, xfs, swap)`, [
      { metric: 'orders accepted (HTTP 202)', value: rate(perSecond(options.servers, create.acceptMs), 'orders') },
      { metric: 'order -> running, p50', value: ms(percentile(latencies, 0.5)) },
      { metric: 'order -> running, p99', value: ms(percentile(latencies, 0.99)) },
      { metric: 'carve wall time (first order -> last running)', value: ms(create.wallMs) },
      { metric: 'servers running', value: `${running?.n ?? 0}/${options.servers}` },
      { metric: 'carve create jobs', value: rate(createThroughput, 'jobs') },
      { metric: 'carve live-resize jobs (lightest job)', value: rate(resizeThroughput, 'jobs') },
      { metric: `carve no-op jobs (${options.noopJobs} over ${lanes.length} server lanes, whole machinery)`, value: rate(noopThroughput, 'jobs') },
      { metric: `(a) raw BullMQ no-op jobs (${bull.jobs}), concurrency ${config.workerConcurrency}`, value: rate(bullThroughput, 'jobs') },
      { metric: '(a) carve no-op jobs / raw BullMQ no-op jobs', value: noopRatio.toFixed(3), target: `>= ${NOOP_TARGET_RATIO}`, met: noopRatio >= NOOP_TARGET_RATIO },
      // Not the target: these jobs do real SSH work on the simulated hosts, which raw BullMQ does not.
      { metric: '    carve create jobs / raw BullMQ no-op', value: createRatio.toFixed(3) },
      { metric: '    carve live-resize jobs / raw BullMQ no-op', value: resizeRatio.toFixed(3) },
      { metric: '(b) SSH commands replayed directly', value: String(direct.commands) },
      { metric: `(b) direct wall time (${config.jobsPerHost} servers at once per host)`, value: ms(direct.wallMs) },
      { metric: '(b) carve wall / direct wall', value: wallRatio.toFixed(2), target: `<= ${WALL_TARGET_RATIO}`, met: wallRatio <= WALL_TARGET_RATIO },
      // Not a target: how much of carve's wall time is order intake, which the replay has no part of.
      { metric: '(b) carve wall after the last 202 / direct wall', value: ((create.wallMs - create.acceptMs) / direct.wallMs).toFixed(2) },
      { metric: '(b) replay exit codes differing from carve\'s', value: String(direct.exitCodeMismatches) },
      { metric: '(b) domains running on the fresh hosts after replay', value: `${direct.domainsRunning}/${options.servers}` },
    ]);
    log(`whole run: ${ms(Date.now() - runStarted)}`);
  } finally {
    await Promise.all(freshSims.map((s) => s.close()));
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

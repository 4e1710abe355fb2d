/**
 * `npm run bench:provision [-- --servers N --hosts M]`: orders N servers (default 200) through
 * carve's HTTP API across M simulated Dom0 hosts (default 10) and measures orders accepted per
 * second and order-to-running latency, then live resizes, then carve no-op jobs through the
 * whole job machinery (a bench-only handler); then, in the same run, two baselines: raw BullMQ
 * no-op jobs at carve's worker concurrency, and the same SSH commands replayed by a plain script on
 * fresh simulated hosts with carve's per-host parallelism. Needs this machine's PostgreSQL and
 * Redis (TEST_POSTGRES_URL / TEST_REDIS_URL, as the tests use).
 *
 * Layout, as carve is deployed: the API, the worker and the simulated hosts each run in a
 * child process of their own; this process only sends HTTP orders, reads job times from the
 * database, adds the bench's no-op jobs (producer side) and runs the baselines' producer and
 * replay script. Each baseline pays the same process costs: the raw BullMQ Worker in a child
 * of its own, the replay against fresh simulated hosts in a child of their own. The CPU each
 * process used in each phase is printed after the results (BENCH_CHILD_OUTPUT=1 shows the
 * children's output).
 */
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import type { JobView } from '../scripts/demo/api-types';
import { parseBenchOptions } from './provision/bench-options';
import { startBenchStack, type BenchStack } from './provision/bench-stack';
import { CpuMeter, type CpuSnapshot } from './provision/cpu-usage';
import { rawBullThroughput } from './provision/bullmq-baseline';
import { replayDirect, scriptsFromJobs } from './provision/direct-ssh-baseline';
import { benchCustomers, orderServers, readJobs, resizeServers, waitForJobs, type JobOutcome, type TimedJob } from './provision/order-phase';
import { addNoopJobs, noopLanes, type ProducerTime } from './provision/noop-phase';
import { ms, printCpuReport, printReport, rate, type CpuRow } from './provision/report';
import { startSimFleet, type SimFleet } from './provision/sim-fleet';
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

/** Measures the CPU each process uses while `run` runs, as one row of the CPU table. */
async function measured<T>(meter: CpuMeter, rows: CpuRow[], name: string, run: () => Promise<T>): Promise<T> {
  const before: CpuSnapshot = meter.snapshot();
  const result = await run();
  rows.push({ phase: name, ...CpuMeter.between(before, meter.snapshot()) });
  return result;
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const runStarted = Date.now();
  log(`starting carve (API and worker as child processes, ${options.hosts} simulated hosts in a third) for ${options.servers} servers`);
  const stack = await startBenchStack(options.hosts);
  let freshSims: SimFleet | undefined;
  const meter = new CpuMeter();
  meter.watch('bench', process.pid);
  meter.watch('api', stack.apiChild.pid);
  meter.watch('worker', stack.workerChild.pid);
  meter.watch('sims', stack.sims.child.pid);
  const cpu: CpuRow[] = [];
  const layout = [
    `bench  pid ${process.pid}: HTTP client, job-time reads, no-op producer, baselines' producer and replay script`,
    `api    pid ${stack.apiChild.pid}: apps/api/src/main.ts on ${stack.apiUrl}`,
    `worker pid ${stack.workerChild.pid}: bench/provision/bench-worker.ts (apps/worker boot + bench no-op handler + command recorder)`,
    `sims   pid ${stack.sims.child.pid}: bench/provision/sim-hosts.ts, ${options.hosts} simulated Dom0 hosts over real SSH`,
  ];
  const run = async (): Promise<void> => {
    const { config } = stack;
    const customers = await benchCustomers(stack, options.customers, options.servers);

    const create = await measured(meter, cpu, 'orders -> running', () => phase(stack, 'orders', () => orderServers(stack, customers, options.servers, options.clientConcurrency)));
    const latencies = create.jobs.map((j) => create.outcomes.get(j.jobId)!.finishedAtMs! - j.sentAtMs);
    const [running] = (await stack.db.query(`SELECT count(*)::int AS n FROM servers WHERE state = 'running'`)) as { n: number }[];
    const hostsUsed = new Set(create.jobs.map((j) => j.hostId)).size;

    const resize = await measured(meter, cpu, 'live resizes', () => phase(stack, 'live memory resizes', () => resizeServers(customers, create.jobs, options.clientConcurrency)));

    const lanes = await noopLanes(stack, create.jobs);
    const producer: ProducerTime = { insertMs: 0, dispatchMs: 0 };
    const noop = await measured(meter, cpu, 'carve no-op jobs', () => phase(stack, 'carve no-op jobs', () => addNoopJobs(stack, lanes, options.noopJobs, producer)));

    log(`baseline (a): ${options.noopJobs} raw BullMQ no-op jobs at concurrency ${config.workerConcurrency}, the Worker in a child process`);
    let bullBefore: CpuSnapshot | undefined;
    const bull = await rawBullThroughput(config.redisUrl, `${config.redisPrefix}:rawbull`, options.noopJobs, config.workerConcurrency, {
      started: (child) => {
        meter.watch('raw-bull-worker', child.pid);
        layout.push(`raw-bull-worker pid ${child.pid}: bench/provision/raw-bull-worker.ts (baseline (a) only)`);
        bullBefore = meter.snapshot();
      },
      // Read before the child's counters vanish with it.
      finished: () => cpu.push({ phase: '(a) raw BullMQ no-op', ...CpuMeter.between(bullBefore!, meter.snapshot()) }),
    });

    log('baseline (b): reading the create jobs\' recorded commands; replaying them on fresh simulated hosts');
    const jobs: JobView[] = await readJobs(stack.api, create.jobs.map((j) => j.jobId), 8);
    const hostOfJob = new Map(create.jobs.map((j) => [j.jobId, j.hostId]));
    const { scripts, unmatched } = scriptsFromJobs(jobs, (job) => hostOfJob.get(job.id)!, await stack.recording());
    if (unmatched > 0) throw new Error(`${unmatched} recorded command line(s) were never seen on the wire; cannot replay them faithfully`);
    freshSims = await startSimFleet('fresh-sims', options.hosts, stack.keys.publicFile, 'bench');
    meter.watch('fresh-sims', freshSims.child.pid);
    layout.push(`fresh-sims pid ${freshSims.child.pid}: bench/provision/sim-hosts.ts, ${options.hosts} fresh simulated hosts (baseline (b) only)`);
    const fleet = freshSims;
    const simOf = new Map(stack.hosts.map((h, i) => [h.id, fleet.hosts[i]!]));
    const direct = await measured(meter, cpu, '(b) direct SSH replay', () =>
      Promise.race([replayDirect(scripts, simOf, fleet, stack.keys.private, { perHost: config.jobsPerHost, maxChannelsPerHost: config.sshMaxChannelsPerHost }), fleet.child.died]),
    );

    const createThroughput = perSecond(options.servers, create.wallMs);
    const resizeThroughput = perSecond(options.servers, resize.wallMs);
    const noopThroughput = perSecond(options.noopJobs, noop.wallMs);
    const bullThroughput = perSecond(bull.jobs, bull.wallMs);
    const noopRatio = noopThroughput / bullThroughput;
    const createRatio = createThroughput / bullThroughput;
    const resizeRatio = resizeThroughput / bullThroughput;
    const wallRatio = create.wallMs / direct.wallMs;
    console.log(`\nlayout (${availableParallelism()} cores):\n${layout.map((l) => `  ${l}`).join('\n')}`);
    printReport(`carve provisioning benchmark: ${options.servers} servers on ${options.hosts} simulated hosts (${hostsUsed} used) for ${options.customers} customers, 4 disks each (ext4 x2, xfs, swap)`, [
      { metric: 'orders accepted (HTTP 202)', value: rate(perSecond(options.servers, create.acceptMs), 'orders') },
      { metric: 'order -> running, p50', value: ms(percentile(latencies, 0.5)) },
      { metric: 'order -> running, p99', value: ms(percentile(latencies, 0.99)) },
      { metric: 'carve wall time (first order -> last running)', value: ms(create.wallMs) },
      { metric: 'servers running', value: `${running?.n ?? 0}/${options.servers}` },
      { metric: 'carve create jobs', value: rate(createThroughput, 'jobs') },
      { metric: 'carve live-resize jobs (lightest job)', value: rate(resizeThroughput, 'jobs') },
      { metric: `carve no-op jobs (${options.noopJobs} over ${lanes.length} server lanes, whole machinery)`, value: rate(noopThroughput, 'jobs') },
      // Not a target: the adding side alone (one job at a time, as the API adds them), to see which side bounds the ratio.
      { metric: '    carve no-op jobs added (record + lane dispatch)', value: rate(perSecond(options.noopJobs, noop.acceptMs), 'jobs') },
      { metric: '    per job: record transaction / lane dispatch', value: `${(producer.insertMs / options.noopJobs).toFixed(2)} / ${(producer.dispatchMs / options.noopJobs).toFixed(2)} ms` },
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
    printCpuReport(cpu);
    log(`whole run: ${ms(Date.now() - runStarted)}`);
  };
  try {
    await Promise.race([run(), stack.failure]);
  } finally {
    await freshSims?.child.stop();
    await stack.close();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // Children are killed by the exit hook in child-process.ts; the database and Redis prefix of an interrupted run are left.
  process.once(signal, () => process.exit(130));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

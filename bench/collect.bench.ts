/**
 * `npm run bench:collect [-- --hosts 1000 --domains 50 --intervals 30 --interval-seconds 60 --sim-processes 2]`:
 * carve's real worker (apps/worker, its CollectionScheduler and HostCollector) collecting
 * metering readings over real SSH from a fleet of simulated Dom0 hosts, with one PostgreSQL
 * of the bench's own (initdb in a temporary directory, stock settings) and the machine's
 * Redis under a prefix of its own.
 *
 * Layout: the worker in a child process, the simulated hosts in others (other machines in
 * production: their CPU is not the collector's), PostgreSQL as its own cluster so every
 * process of it can be counted; this process registers the fleet through carve's services
 * (hosts with pinned host keys, dedicated pools, servers reserved like orders), closes that
 * context, and then only samples /proc (at every interval boundary, and the worker's RSS
 * every second) until the end, when it reads the database to check that every host was
 * read in every measured interval.
 *
 * The defaults are the production case (60 s, 1,000 hosts x 50 domains, 30 intervals: about
 * 35 minutes). The simulated hosts run on the real clock (time factor 1), so host timestamps
 * and the worker's interval always agree; --interval-seconds 10 with fewer hosts makes a short
 * run. Each interval is the same work whatever its length (one SSH round trip and one ingest
 * transaction per host, one span per server), so cores at 60 s are CPU seconds per interval / 60.
 * On a 2-core machine 1,000 hosts need more than 10 s of both cores per round (the simulators
 * alone about 30 CPU seconds), so they cannot be read every 10 s here.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@carve/config';
import { dataSourceOptions } from '@carve/database';
import { generateEd25519KeyPair } from '@carve/dom0-sim';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { textTable } from '../scripts/demo/text-table';
import type { CollectionRound } from '../apps/worker/src/metering/collection.scheduler';
import { parseCollectOptions, type CollectOptions } from './collect/collect-options';
import { checkDatabase, type DatabaseCheck } from './collect/collect-verify';
import type { FleetEndpoint } from './collect/fleet-shape';
import { registerFleet } from './collect/fleet-registry';
import { FleetRegistryModule } from './collect/fleet-registry.module';
import { IntervalSampler, slope, type RssRange, type Sample } from './collect/interval-sampler';
import { startPrivatePostgres, type PrivatePostgres } from './collect/private-postgres';
import { freePort, startChild, type BenchChild, type ChildMessage } from './provision/child-process';

const PRODUCTION_INTERVAL_S = 60;
const CORES_TARGET = 0.5;
const MiB = 1024 * 1024;

function log(line: string): void {
  console.log(`[bench:collect ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

interface RoundMessage extends ChildMessage {
  round: CollectionRound;
  endedAt: number;
  rss: number;
  heapUsed: number;
}

async function createBenchDatabase(pg: PrivatePostgres): Promise<string> {
  const admin = new Client({ connectionString: pg.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE carve_bench');
  await admin.end();
  const url = pg.urlFor('carve_bench');
  const db = new DataSource(dataSourceOptions(url, ALL_ENTITIES, ALL_MIGRATIONS));
  await db.initialize();
  try {
    await db.runMigrations({ transaction: 'each' });
  } finally {
    await db.destroy();
  }
  return url;
}

async function main(options: CollectOptions): Promise<boolean> {
  const intervalMs = options.intervalSeconds * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-collect-'));
  const keyPair = generateEd25519KeyPair();
  const keyPath = join(dir, 'id_ed25519');
  const publicFile = join(dir, 'id_ed25519.pub');
  writeFileSync(keyPath, keyPair.private, { mode: 0o600 });
  writeFileSync(publicFile, `${keyPair.public}\n`);
  const redisPrefix = uniqueName('bcollect');
  const children: BenchChild[] = [];
  let pg: PrivatePostgres | undefined;
  // Ctrl-C: the children, the bench's PostgreSQL and its directory go too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  try {
    const minutes = ((options.warmup + options.intervals + 1) * options.intervalSeconds) / 60 + options.hosts / 500;
    log(`${options.hosts} hosts x ${options.domains} domains, ${options.warmup} warm-up + ${options.intervals} measured intervals of ${options.intervalSeconds} s (about ${minutes.toFixed(0)} minutes); load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    pg = await startPrivatePostgres(await freePort());
    const databaseUrl = await createBenchDatabase(pg);
    log(`PostgreSQL ${pg.version} of the bench's own on port ${pg.port} (postmaster pid ${pg.pid}), migrated`);

    const sims: BenchChild[] = [];
    const perProcess = Math.ceil(options.hosts / options.simProcesses);
    for (let first = 0; first < options.hosts; first += perProcess) {
      const count = Math.min(perProcess, options.hosts - first);
      sims.push(startChild(`fleet-${sims.length + 1}`, 'bench/collect/fleet-hosts.ts', ['--hosts', String(count), '--first', String(first), '--authorized-key-file', publicFile], process.env));
    }
    children.push(...sims);
    const endpoints: FleetEndpoint[] = [];
    const simOf = new Map<string, BenchChild>();
    for (const sim of sims) {
      for (const host of (await sim.next<ChildMessage & { hosts: FleetEndpoint[] }>('ready', 300_000)).hosts) {
        endpoints.push(host);
        simOf.set(host.name, sim);
      }
    }
    log(`${endpoints.length} simulated hosts listening in ${sims.length} process(es) (pids ${sims.map((s) => s.pid).join(', ')})`);

    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      CARVE_SSH_PRIVATE_KEY_PATH: keyPath,
      RECONCILE_INTERVAL_SECONDS: '0',
      METERING_INTERVAL_SECONDS: String(options.intervalSeconds),
      ...(options.hostsAtOnce !== undefined ? { METERING_HOSTS_AT_ONCE: String(options.hostsAtOnce) } : {}),
    };
    const config = loadConfig({ ...process.env, ...env });

    const registering = Date.now();
    const app = await NestFactory.createApplicationContext(FleetRegistryModule.forRoot(config), { logger: ['error', 'warn'] });
    let hosts;
    try {
      hosts = await registerFleet(app, endpoints, options.domains, (done) => {
        if (done % 100 === 0 || done === endpoints.length) log(`registered ${done}/${endpoints.length} hosts with ${options.domains} servers each`);
      });
    } finally {
      await app.close();
    }
    log(`fleet registered through carve's services in ${((Date.now() - registering) / 1000).toFixed(0)} s`);
    for (const sim of sims) {
      const own = hosts.filter((h) => simOf.get(h.name) === sim);
      for (let i = 0; i < own.length; i += 100) {
        sim.send({ type: 'domains', hosts: own.slice(i, i + 100).map((h) => ({ name: h.name, domains: h.domains })) });
        await sim.next('domains-started', 120_000);
      }
    }
    log(`${hosts.length * options.domains} domains running on the simulated hosts`);

    const worker = startChild('worker', 'bench/collect/collect-worker.ts', [], { ...process.env, ...env });
    children.push(worker);
    const failure = Promise.race([worker.died, ...sims.map((sim) => sim.died)]);
    failure.catch(() => undefined);
    await Promise.race([worker.next('ready', 120_000), failure]);
    const rounds = new Map<number, RoundMessage>();
    void (async () => {
      for (;;) {
        const m = await worker.next<RoundMessage>('round', 24 * 3600_000).catch(() => undefined);
        if (!m) return;
        rounds.set(m.round.interval, m);
      }
    })();
    const sampler = new IntervalSampler(intervalMs, { worker: worker.pid, postgres: pg.pid, sims: sims.map((sim) => sim.pid) });
    sampler.start();
    const firstInterval = Math.floor(Date.now() / intervalMs) + 1;
    log(`worker ready (pid ${worker.pid}, METERING_HOSTS_AT_ONCE ${config.meteringHostsAtOnce}); its first round starts with interval ${firstInterval}`);
    const first = firstInterval + options.warmup;
    const last = first + options.intervals - 1;
    for (let k = firstInterval; k <= last + 1; k += 1) {
      await sampler.until(k, failure);
      if (k === firstInterval) continue;
      // Rounds that ended in interval k-1 (a round that overruns its interval ends in the next one, and the worker skips that one's round).
      const ended = [...rounds.values()].filter((m) => Math.floor(m.endedAt / intervalMs) === k - 1);
      const said = ended.map((m) => `${m.round.interval === k - 1 ? 'its round' : `the round of ${k - 1 - m.round.interval} interval(s) earlier`} ended: ${m.round.read} hosts read, ${JSON.stringify(m.round.outcomes)}, ${(m.round.durationMs / 1000).toFixed(1)} s`);
      log(`interval ${k - 1 >= first ? `#${k - first}` : `warm-up ${k - firstInterval}`}: ${said.length > 0 ? said.join('; ') : 'no round ended in it'}`);
    }
    sampler.stop();
    const samples = Array.from({ length: options.intervals + 1 }, (_, i) => sampler.samples.get(first + i)!);
    await worker.stop(30_000);
    const check = await checkDatabase(databaseUrl, intervalMs, first, last);
    return report(options, samples, sampler.rss, rounds, first, check);
  } finally {
    await cleanUp();
  }

  async function cleanUp(): Promise<void> {
    await Promise.all(children.map((c) => c.stop()));
    await pg?.stop();
    await clearRedisPrefix(redisPrefix).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(options: CollectOptions, samples: Sample[], rssRanges: Map<number, RssRange>, rounds: Map<number, RoundMessage>, first: number, check: DatabaseCheck): boolean {
  const n = options.intervals;
  const expectedServers = options.hosts * options.domains;
  const rows: string[][] = [];
  const rss: number[] = [];
  const peaks: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const a = samples[i]!;
    const b = samples[i + 1]!;
    const r = rounds.get(first + i);
    const c = check.intervals[i]!;
    const wallS = (b.atMs - a.atMs) / 1000;
    rss.push(b.workerRss);
    const range = rssRanges.get(first + i) ?? { min: b.workerRss, max: b.workerRss };
    peaks.push(range.max);
    floors.push(range.min);
    rows.push([
      String(i + 1),
      `${c.hostsRead}${c.extraReadings > 0 ? ` (+${c.extraReadings} twice)` : ''}`,
      String(c.serversWithSpan),
      r ? `${(r.round.durationMs / 1000).toFixed(1)} s` : 'none',
      `${(b.worker - a.worker).toFixed(2)} s`,
      `${(b.postgres - a.postgres).toFixed(2)} s`,
      `${(b.sims - a.sims).toFixed(2)} s`,
      `${(((b.machineBusy - a.machineBusy) / (b.machineTotal - a.machineTotal)) * 100).toFixed(0)}%`,
      `${(b.workerRss / MiB).toFixed(1)}`,
      `${(range.min / MiB).toFixed(0)}-${(range.max / MiB).toFixed(0)}`,
      r ? `${(r.heapUsed / MiB).toFixed(1)}` : '',
      `${wallS.toFixed(1)} s`,
    ]);
  }
  console.log(`\nPer measured interval (${options.intervalSeconds} s each; CPU in seconds of one core; worker RSS and heap at the interval's end and RSS range sampled every second in it, MiB)\n`);
  console.log(
    textTable(['#', 'hosts read', 'servers with a span', 'round', 'worker CPU', 'PostgreSQL CPU', 'simulators CPU', 'machine busy', 'worker RSS', 'RSS range', 'heap', 'wall'], rows, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
  );

  const start = samples[0]!;
  const end = samples[n]!;
  const wallS = (end.atMs - start.atMs) / 1000;
  const perInterval = (key: 'worker' | 'postgres' | 'sims') => (end[key] - start[key]) / n;
  const workerPer = perInterval('worker');
  const pgPer = perInterval('postgres');
  const simsPer = perInterval('sims');
  const coresAtRun = (x: number) => (x * n) / wallS;
  const coresAt60 = (x: number) => x / PRODUCTION_INTERVAL_S;
  const missedIntervals = check.intervals.filter((c) => c.hostsRead < options.hosts || c.extraReadings > 0).length;
  const everyHost = missedIntervals === 0 && check.intervals.every((c) => c.serversWithSpan === expectedServers && c.gapSpans === 0);
  const roundMax = Math.max(...[...rounds.entries()].filter(([k]) => k >= first && k < first + n).map(([, r]) => r.round.durationMs));
  const rssFirst = rss[0]!;
  const rssLast = rss[n - 1]!;
  // The heap fills with each round's garbage and is collected every few rounds, so single samples saw up and down:
  // flat means neither the peaks nor the floors of the last third of the intervals are above those of the first third.
  const third = Math.max(1, Math.floor(n / 3));
  const growth = (values: number[]) => Math.max(...values.slice(n - third)) - Math.max(...values.slice(0, third));
  const floorGrowth = Math.min(...floors.slice(n - third)) - Math.min(...floors.slice(0, third));
  const peakGrowth = growth(peaks);
  const tolerance = Math.max(8 * MiB, 0.05 * Math.max(...peaks.slice(0, third)));
  const flat = peakGrowth < tolerance && floorGrowth < tolerance;
  const together = coresAt60(workerPer + pgPer);
  // Per host reading, so a run where some hosts were not read (a starved machine) still says what each reading cost.
  const readings = check.intervals.reduce((a, c) => a + c.hostsRead + c.extraReadings, 0);
  const perReadingMs = (x: number) => (readings > 0 ? (x * n * 1000) / readings : Number.NaN);
  const fleetCoresAt60 = (x: number) => (perReadingMs(x) * options.hosts) / 1000 / PRODUCTION_INTERVAL_S;
  const machineBusy = ((end.machineBusy - start.machineBusy) / (end.machineTotal - start.machineTotal)) * 100;

  console.log(`\nbench:collect: ${options.hosts} hosts x ${options.domains} domains (${expectedServers} servers), ${n} consecutive intervals of ${options.intervalSeconds} s (${wallS.toFixed(0)} s measured, after ${options.warmup} warm-up)\n`);
  console.log(
    textTable(
      ['metric', 'value', 'target', 'met'],
      [
        ['every host read every interval (host_disk_samples per host per interval)', `${check.intervals.reduce((a, c) => a + c.hostsRead, 0)} of ${options.hosts * n} host-intervals; ${missedIntervals} interval(s) short or doubled${check.missedHosts.length ? `; e.g. ${check.missedHosts.join(', ')}` : ''}`, 'all', everyHost ? 'yes' : 'NO'],
        ['every server has a span in every interval (usage_samples)', `${check.intervals.filter((c) => c.serversWithSpan === expectedServers).length} of ${n} intervals complete; ${check.intervals.reduce((a, c) => a + c.gapSpans, 0)} gap spans; ${(check.intervals.reduce((a, c) => a + c.spanRows, 0) / n).toFixed(0)} span rows per interval`, 'all', check.intervals.every((c) => c.serversWithSpan === expectedServers) ? 'yes' : 'NO'],
        ['longest round (all hosts, METERING_HOSTS_AT_ONCE lanes)', `${(roundMax / 1000).toFixed(1)} s`, `< ${options.intervalSeconds} s`, roundMax < options.intervalSeconds * 1000 ? 'yes' : 'NO'],
        ['worker CPU per interval', `${workerPer.toFixed(2)} s (${coresAtRun(workerPer).toFixed(3)} cores at ${options.intervalSeconds} s)`, '', ''],
        ['PostgreSQL CPU per interval (whole cluster)', `${pgPer.toFixed(2)} s (${coresAtRun(pgPer).toFixed(3)} cores at ${options.intervalSeconds} s)`, '', ''],
        ['worker cores at a 60 s interval', coresAt60(workerPer).toFixed(3), '', ''],
        ['PostgreSQL cores at a 60 s interval', coresAt60(pgPer).toFixed(3), '', ''],
        // Not met while hosts went unread: fewer readings make fewer cores; the per-reading row below says what all of them would cost.
        ['worker + PostgreSQL cores at a 60 s interval', together.toFixed(3), `< ${CORES_TARGET}`, !everyHost ? 'n/a (hosts unread)' : together < CORES_TARGET ? 'yes' : 'NO'],
        [
          `CPU per host reading (${readings} readings stored in the measured intervals)`,
          `worker ${perReadingMs(workerPer).toFixed(1)} ms, PostgreSQL ${perReadingMs(pgPer).toFixed(1)} ms, simulators ${perReadingMs(simsPer).toFixed(1)} ms; every host every 60 s: worker + PostgreSQL ${(fleetCoresAt60(workerPer) + fleetCoresAt60(pgPer)).toFixed(3)} cores`,
          '',
          '',
        ],
        ['worker RSS at interval ends', `first ${(rssFirst / MiB).toFixed(1)} MiB, last ${(rssLast / MiB).toFixed(1)} MiB, min ${(Math.min(...rss) / MiB).toFixed(1)}, max ${(Math.max(...rss) / MiB).toFixed(1)}; fitted slope ${(slope(rss) / MiB).toFixed(2)} MiB per interval`, '', ''],
        [`worker RSS, last ${third} intervals against first ${third}`, `peak ${peakGrowth >= 0 ? '+' : ''}${(peakGrowth / MiB).toFixed(1)} MiB, floor ${floorGrowth >= 0 ? '+' : ''}${(floorGrowth / MiB).toFixed(1)} MiB (peaks ${(Math.max(...peaks.slice(0, third)) / MiB).toFixed(0)} -> ${(Math.max(...peaks.slice(n - third)) / MiB).toFixed(0)} MiB; slope of peaks ${(slope(peaks) / MiB).toFixed(2)} MiB per interval)`, `flat (< ${(tolerance / MiB).toFixed(0)} MiB up)`, flat ? 'yes' : 'NO'],
        ['simulators CPU per interval (separate process, not the worker)', `${simsPer.toFixed(2)} s (${coresAtRun(simsPer).toFixed(3)} cores at ${options.intervalSeconds} s)`, '', ''],
        ['machine busy (both cores, everything on it)', `${machineBusy.toFixed(0)}%; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`, '', ''],
        ['other checks', `${check.hostCursors} host cursors, ${check.serverCursors} server cursors, ${check.losses} losses, ${check.unknownDomainFindings} unknown-domain findings`, '', ''],
      ],
      [],
    ),
  );
  const shortened = options.intervalSeconds !== PRODUCTION_INTERVAL_S;
  console.log(
    shortened
      ? `\nHow this relates to 60 s: every interval is the same work for the collector whatever its length (one SSH round trip and\n` +
          `one ingest transaction per host, one span per server, rollups updated from those spans), so the CPU seconds per interval\n` +
          `measured here are those of a 60 s interval and cores at 60 s = CPU per interval / 60 = cores at ${options.intervalSeconds} s x ${options.intervalSeconds}/60.\n` +
          `Not scaled: SSH keepalives (every 15 s per connection) and the hourly housekeeping go by wall-clock time, and at 60 s about\n` +
          `one reading in five crosses a 5-minute boundary and is stored as two rows per server (one in ${Math.round(300 / options.intervalSeconds)} here), so PostgreSQL\n` +
          `writes up to ~15% more span rows per interval at 60 s than this run did. The simulators run on the real clock (time factor 1):\n` +
          `host timestamps and the worker's interval agree, so rates and gap detection are as in production.`
      : `\nThis run used carve's production interval (60 s) on the real clock: the cores above are measured, not scaled.`,
  );
  console.log(`Scale: ${options.hosts} hosts x ${options.domains} domains${options.hosts < 1000 || options.domains < 50 ? ' (scaled down from the target 1,000 x 50: CPU grows about linearly with hosts x domains)' : ''}.`);
  return everyHost && together < CORES_TARGET && flat;
}

let options: CollectOptions;
try {
  options = parseCollectOptions(process.argv.slice(2));
} catch (error) {
  console.error(`bench:collect: ${(error as Error).message}`);
  process.exit(2);
}
main(options).then(
  (met) => process.exit(met ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

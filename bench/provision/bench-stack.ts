import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { CarveConfig, loadConfig } from '@carve/config';
import { generateEd25519KeyPair } from '@carve/dom0-sim';
import { ensureBootstrapOperator } from '@carve/tenancy';
import { clearRedisPrefix, createTestDatabase, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import type { DataSource } from 'typeorm';
import { CarveApi } from '../../scripts/demo/carve-api';
import { freePort, startChild, type BenchChild, type ChildMessage } from './child-process';
import { CommandRecorder, type RecordedExec } from './command-recorder';
import { BenchProducerModule } from './producer.module';
import { HOST_SHAPE, type SimEndpoint } from './sim-shape';
import { startSimFleet, type SimFleet } from './sim-fleet';

export interface BenchHost {
  id: string;
  sim: SimEndpoint;
}

export interface BenchStack {
  /** carve's settings, as the API and worker children read them from their environment. */
  config: CarveConfig;
  /** The operator, over a real socket to the API child. */
  api: CarveApi;
  apiUrl: string;
  db: DataSource;
  /** The bench process's own producer side of the jobs module (see producer.module.ts). */
  producer: INestApplicationContext;
  apiChild: BenchChild;
  workerChild: BenchChild;
  sims: SimFleet;
  hosts: BenchHost[];
  imageId: string;
  keys: { public: string; private: string; publicFile: string };
  /** Rejects as soon as any child dies unasked. */
  failure: Promise<never>;
  /** Every command the worker sent so far, with stdin and exit code (asked of the worker child). */
  recording(): Promise<CommandRecorder>;
  close(): Promise<void>;
}

const API_ENTRY = 'apps/api/src/main.ts';
/** apps/worker/src/main.ts's boot plus the no-op handler and command recorder. */
const WORKER_ENTRY = 'bench/provision/bench-worker.ts';

async function waitForHealth(url: string, failure: Promise<never>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the API at ${url} did not become healthy within 60 s`);
    await Promise.race([new Promise((r) => setTimeout(r, 200)), failure]);
  }
}

/**
 * carve in the layout it is deployed in: the API (apps/api/src/main.ts, on a free port)
 * and the worker each in a process of their own, the simulated Dom0 hosts in a third (other
 * machines in production), on a fresh database of this machine's PostgreSQL and a Redis
 * prefix of its own. This process only sends HTTP and reads the database.
 */
export async function startBenchStack(hostCount: number): Promise<BenchStack> {
  const keyPair = generateEd25519KeyPair();
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-'));
  const keyPath = join(dir, 'id_ed25519');
  const publicFile = join(dir, 'id_ed25519.pub');
  writeFileSync(keyPath, keyPair.private, { mode: 0o600 });
  writeFileSync(publicFile, `${keyPair.public}\n`);
  const database = await createTestDatabase({ migrate: true });
  const prefix = uniqueName('carvebench');
  const port = await freePort();
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    CARVE_SSH_PRIVATE_KEY_PATH: keyPath,
    RECONCILE_INTERVAL_SECONDS: '0',
    PORT: String(port),
    HOST: '127.0.0.1',
    // One client sends every order; the default limit is for many customers.
    RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const config = loadConfig({ ...process.env, ...env });
  // Settings the launcher's environment may carry, passed as the children will read them.
  env.WORKER_CONCURRENCY = String(config.workerConcurrency);
  env.JOBS_PER_HOST = String(config.jobsPerHost);
  const childEnv = { ...process.env, ...env };

  const children: BenchChild[] = [];
  let producer: INestApplicationContext | undefined;
  let sims: SimFleet | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(children.map((c) => c.stop()));
    await producer?.close();
    await database.drop();
    await clearRedisPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const apiChild = startChild('api', API_ENTRY, [], childEnv);
    const workerChild = startChild('worker', WORKER_ENTRY, [], childEnv);
    children.push(apiChild, workerChild);
    const failure = Promise.race([apiChild.died, workerChild.died]);
    failure.catch(() => undefined);
    const simsStarting = startSimFleet('sims', hostCount, publicFile, 'bench');
    simsStarting.catch(() => undefined);
    producer = await NestFactory.createApplicationContext(BenchProducerModule.forRoot(config), { logger: false });
    sims = await simsStarting;
    children.push(sims.child);
    const db = producer.get<DataSource>(getDataSourceToken());
    const operator = await ensureBootstrapOperator(db);
    const apiUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(apiUrl, failure);
    await Promise.race([workerChild.next('ready'), failure]);
    const api = new CarveApi(apiUrl, operator.token!);

    const hosts: BenchHost[] = [];
    for (const sim of sims.hosts) {
      const host = await api.post<{ id: string }>(
        '/v1/hosts',
        {
          name: sim.name,
          sshAddress: '127.0.0.1',
          sshPort: sim.port,
          // Sent although they have defaults: POST /v1/hosts answers 500 when they are left out (see the report).
          sshUser: 'root',
          vcpuOvercommitRatio: '4.00',
          status: 'active',
          location: 'bench',
          hostKeyFingerprint: sim.hostKeyFingerprint,
          cpuThreads: HOST_SHAPE.cpus,
          totalMemoryMiB: HOST_SHAPE.totalMemoryMiB,
          dom0MemoryMiB: HOST_SHAPE.dom0MemMiB,
          volumeGroup: HOST_SHAPE.vgName,
          volumeGroupSizeGiB: HOST_SHAPE.vgSizeGiB,
          transferAllowanceGB: 20000,
          uplinkMbit: 1000,
          monthlyCostMinor: 4900,
          currency: 'EUR',
        },
        `bench-host-${sim.name}`,
      );
      hosts.push({ id: host.id, sim });
    }
    const image = await api.post<{ id: string }>('/v1/images', { name: 'debian-12', archivePath: '/var/lib/carve/images/debian-12.tar.gz' }, 'bench-image');
    return {
      config,
      api,
      apiUrl,
      db,
      producer,
      apiChild,
      workerChild,
      sims,
      hosts,
      imageId: image.id,
      keys: { public: keyPair.public, private: keyPair.private, publicFile },
      failure: Promise.race([failure, sims.child.died]),
      async recording() {
        workerChild.send({ type: 'recording' });
        const answer = await workerChild.next<ChildMessage & { entries: [string, RecordedExec[]][] }>('recording');
        return new CommandRecorder(answer.entries);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

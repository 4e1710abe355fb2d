import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { CarveConfig, loadConfig } from '@carve/config';
import { generateEd25519KeyPair, startSimHost, type SimHost } from '@carve/dom0-sim';
import { ensureBootstrapOperator } from '@carve/tenancy';
import { clearRedisPrefix, createTestDatabase, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import type { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/api-app';
import { Dom0Connections } from '../../apps/worker/src/provisioning/dom0-connections';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { CarveApi } from '../../scripts/demo/carve-api';
import { CommandRecorder } from './command-recorder';
import { withNoopHandler } from './noop-job.handler';

/** Simulated time runs this much faster than real time (only shutdowns wait in the simulator). */
export const SIM_TIME_FACTOR = 1000;

/** The shape every simulated host has and is registered with. */
const HOST_SHAPE = { cpus: 16, totalMemoryMiB: 65536, dom0MemMiB: 4096, vgName: 'vg0', vgSizeGiB: 1800 } as const;

export interface BenchHost {
  id: string;
  sim: SimHost;
}

export interface BenchStack {
  config: CarveConfig;
  /** The operator, over a real socket. */
  api: CarveApi;
  db: DataSource;
  /** The API's Nest context: its JobRepository and JobDispatcher add jobs as the API does. */
  apiContext: INestApplicationContext;
  hosts: BenchHost[];
  imageId: string;
  keys: { public: string; private: string };
  recorder: CommandRecorder;
  close(): Promise<void>;
}

export function startBenchSims(count: number, authorizedKey: string, namePrefix: string): Promise<SimHost[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      startSimHost({ name: `${namePrefix}-${i + 1}`, port: 0, authorizedKeys: [authorizedKey], timeFactor: SIM_TIME_FACTOR, ...HOST_SHAPE }),
    ),
  );
}

/**
 * carve as test/support/stack.ts builds it (API and worker in this process, simulated Dom0
 * hosts over real SSH), on a fresh database of this machine's PostgreSQL and its own Redis
 * prefix, but with the API listening on a real port so orders travel over HTTP.
 */
export async function startBenchStack(hostCount: number): Promise<BenchStack> {
  const keys = generateEd25519KeyPair();
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-'));
  const keyPath = join(dir, 'id_ed25519');
  writeFileSync(keyPath, keys.private, { mode: 0o600 });
  const database = await createTestDatabase({ migrate: true });
  const prefix = uniqueName('carvebench');
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'fatal',
    CARVE_SSH_PRIVATE_KEY_PATH: keyPath,
    RECONCILE_INTERVAL_SECONDS: '0',
    // One client sends every order and poll; the default limit is for many customers.
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const sims = await startBenchSims(hostCount, keys.public, 'bench');
  const { app } = await createApiApp(config);
  let worker: INestApplicationContext | undefined;
  const close = async (): Promise<void> => {
    await worker?.close();
    await (app as NestFastifyApplication).close();
    await Promise.all(sims.map((s) => s.close()));
    await database.drop();
    await clearRedisPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    if (address === null || typeof address === 'string') throw new Error('the API is not listening on a TCP port');
    const db = app.get<DataSource>(getDataSourceToken());
    const operator = await ensureBootstrapOperator(db);
    const api = new CarveApi(`http://127.0.0.1:${address.port}`, operator.token!);

    const recorder = new CommandRecorder();
    worker = await NestFactory.createApplicationContext(withNoopHandler(WorkerModule.forRoot(config)), { logger: process.env.BENCH_LOG_LEVEL ? undefined : false });
    recorder.attach(worker.get(Dom0Connections).pool);
    await worker.init();

    const hosts: BenchHost[] = [];
    for (const sim of sims) {
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
    return { config, api, db, apiContext: app, hosts, imageId: image.id, keys, recorder, close };
  } catch (error) {
    await close();
    throw error;
  }
}

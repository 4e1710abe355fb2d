import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { generateEd25519KeyPair, SimHost, SimHostOptions, startSimHost } from '@carve/dom0-sim';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { ApiHarness, startApiHarness, TestResponse } from './api-harness';
import { hostBody } from './fixtures';

export interface StackHost {
  id: string;
  sim: SimHost;
}

export interface Stack {
  api: ApiHarness;
  hosts: StackHost[];
  imageId: string;
  clientKeyPath: string;
  /** The worker app, in this process. Restart it with startWorker() after stopWorker(). */
  worker?: INestApplicationContext;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export const TEST_SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test@carve';

/**
 * carve end to end in one process: the API (through fastify inject), the worker app with
 * its BullMQ consumer, and simulated Dom0 hosts over real SSH, on a fresh database and a
 * fresh Redis prefix. Hosts are registered and one image is created through the API.
 */
export async function startStack(options: { hosts?: number; sim?: Partial<SimHostOptions>; env?: Record<string, string>; worker?: boolean } = {}): Promise<Stack> {
  const keys = generateEd25519KeyPair();
  const dir = mkdtempSync(join(tmpdir(), 'carve-stack-'));
  const clientKeyPath = join(dir, 'id_ed25519');
  writeFileSync(clientKeyPath, keys.private, { mode: 0o600 });
  const sims = await Promise.all(
    Array.from({ length: options.hosts ?? 1 }, (_, i) => startSimHost({ name: `sim-${i + 1}`, port: 0, authorizedKeys: [keys.public], timeFactor: 60, ...options.sim })),
  );
  const api = await startApiHarness({ CARVE_SSH_PRIVATE_KEY_PATH: clientKeyPath, JOB_BACKOFF_MS: '100', RECONCILE_INTERVAL_SECONDS: '0', ...options.env });
  const hosts: StackHost[] = [];
  for (const sim of sims) {
    const registered = await api.request('POST', '/v1/hosts', {
      body: hostBody({
        name: sim.name,
        sshAddress: '127.0.0.1',
        sshPort: sim.port,
        hostKeyFingerprint: sim.hostKeyFingerprint,
        totalMemoryMiB: 65536,
        dom0MemoryMiB: 4096,
        cpuThreads: 16,
        volumeGroup: 'vg0',
        volumeGroupSizeGiB: 1800,
      }),
    });
    expectStatus(registered, 201);
    hosts.push({ id: registered.body.id, sim });
  }
  const image = await api.request('POST', '/v1/images', { body: { name: 'debian-12', archivePath: '/var/lib/carve/images/debian-12.tar.gz' } });
  expectStatus(image, 201);

  const stack: Stack = {
    api,
    hosts,
    imageId: image.body.id,
    clientKeyPath,
    async startWorker() {
      const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(api.config), { logger: false });
      await worker.init();
      stack.worker = worker;
    },
    async stopWorker() {
      await stack.worker?.close();
      stack.worker = undefined;
    },
    async close() {
      await stack.stopWorker();
      await api.close();
      await Promise.all(sims.map((s) => s.close()));
    },
  };
  if (options.worker !== false) await stack.startWorker();
  return stack;
}

export function expectStatus(response: TestResponse, status: number): void {
  if (response.status !== status) throw new Error(`expected HTTP ${status}, got ${response.status}: ${response.text}`);
}

export interface TenantWithPool {
  customerId: string;
  token: string;
  poolId: string;
}

/** A customer with a ceiling and one shared pool of the given size, all through the API. */
export async function customerWithPool(api: ApiHarness, size: { memoryMiB: number; vcpus: number; diskGiB: number; transferGB?: number }, name?: string): Promise<TenantWithPool> {
  const unique = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const customer = await api.request('POST', '/v1/customers', { body: { name: name ?? `Tenant ${unique}`, adminName: 'Admin', adminEmail: `admin-${unique}@example.com` } });
  expectStatus(customer, 201);
  const ceiling = await api.request('PUT', `/v1/customers/${customer.body.id}/pool-ceiling`, { body: { memoryMiB: 1_000_000, vcpus: 1000, diskGiB: 100_000, transferGB: 100_000 } });
  expectStatus(ceiling, 200);
  const token = await api.request('POST', `/v1/customers/${customer.body.id}/tokens`, { body: { name: 'tests' } });
  expectStatus(token, 201);
  const pool = await api.request('POST', '/v1/pools', {
    token: token.body.token,
    body: { name: `pool-${unique}`, kind: 'shared', memoryMiB: size.memoryMiB, vcpus: size.vcpus, diskGiB: size.diskGiB, transferGB: size.transferGB ?? 1000 },
  });
  expectStatus(pool, 201);
  return { customerId: customer.body.id, token: token.body.token, poolId: pool.body.id };
}

/** A valid order body; override any field. */
export function orderBody(stack: Stack, poolId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `web${Math.floor(Math.random() * 1e9).toString(36)}`,
    poolId,
    imageId: stack.imageId,
    memoryMiB: 1024,
    maxMemoryMiB: 2048,
    vcpus: 1,
    maxVcpus: 2,
    sshKeys: [TEST_SSH_KEY],
    disks: [
      { label: 'root', sizeGiB: 10, filesystem: 'ext4', role: 'root', inodes: 655360 },
      { label: 'root2', sizeGiB: 10, filesystem: 'ext4', role: 'root' },
      { label: 'data', sizeGiB: 20, filesystem: 'xfs', role: 'data' },
      { label: 'swap', sizeGiB: 1, filesystem: 'swap', role: 'swap' },
    ],
    ...overrides,
  };
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** Follows a job (long polling through the API) until it finishes. */
export async function waitForJob(api: ApiHarness, token: string, jobId: string, timeoutMs = 60_000): Promise<TestResponse['body']> {
  const deadline = Date.now() + timeoutMs;
  let version = 0;
  for (;;) {
    const response = await api.request('GET', `/v1/jobs/${jobId}?afterVersion=${version}&waitSeconds=5`, { token });
    expectStatus(response, 200);
    if (TERMINAL.includes(response.body.status)) return response.body;
    version = response.body.version;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${response.body.status} after ${timeoutMs} ms: ${JSON.stringify(response.body.steps)}`);
  }
}

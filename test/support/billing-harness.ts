import { createHash } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InvoiceLineRow, InvoiceRepository, InvoiceRuns, PriceBook, PriceKey } from '@carve/billing';
import { CarveConfig, loadConfig } from '@carve/config';
import { Clock } from '@carve/core';
import { UsageIngest, ZERO_COUNTERS } from '@carve/metering';
import { PoolCeilingService, PoolService } from '@carve/pools';
import { Actor, CustomerService, ensureBootstrapOperator, TokenService } from '@carve/tenancy';
import { clearRedisPrefix, createTestDatabase, TEST_REDIS_URL, TestDatabase, uniqueName } from '@carve/testing';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/api-app';
import { ReplayClock } from '../../scripts/billing-replay/replay-clock';
import { ReplayModule } from '../../scripts/billing-replay/replay.module';
import type { TestResponse } from './api-harness';

/** The example prices; a version body for the price book. */
export const PRICES: Record<PriceKey, string> = {
  ramGibMonth: '5.00',
  vcpuMonth: '4.00',
  diskGibMonth: '0.08',
  transferGbMonth: '0.002',
  transferOverageGb: '0.10',
  cpuHour: '0.015',
  includedCpuHoursPerVcpuMonth: '200',
  ioGb: '0.02',
  includedIoGbPerDiskGibMonth: '10',
  bandwidthMbitMonth: '1.50',
};

export interface UsageEntry {
  from: string | number;
  to: string | number;
  cpuSeconds?: number;
  netOutBytes?: number;
  netInBytes?: number;
  readBytes?: number;
  writeBytes?: number;
}

export interface PoolSize {
  memoryMiB: number;
  vcpus: number;
  diskGiB: number;
  transferGB: number;
}

export interface BillingHarness {
  /** billing's services as the replay wires them (scripts/billing-replay), with a clock the test sets. */
  app: INestApplicationContext;
  clock: ReplayClock;
  config: CarveConfig;
  db: DataSource;
  env: Record<string, string>;
  operator: Actor;
  runs: InvoiceRuns;
  invoices: InvoiceRepository;
  /** Sets carve's clock; every effective time (sizes, usage arrival, issue dates) comes from it. */
  at(instant: string | number): void;
  customer(name: string, taxRate?: string): Promise<string>;
  sharedPool(customerId: string, name: string, size: PoolSize, billing?: 'transfer' | 'p95'): Promise<string>;
  removePool(poolId: string): Promise<void>;
  priceVersion(effectiveFrom: string, currency?: string, prices?: Partial<Record<PriceKey, string>>): Promise<void>;
  /** Usage of one server of a pool, through UsageIngest.ingestSpans (the path the collector's spans take). */
  usage(customerId: string, poolId: string, serverName: string, entries: UsageEntry[]): Promise<number>;
  lines(invoiceId: string): Promise<InvoiceLineRow[]>;
  /** The real HTTP stack (fastify inject) on the same database as the operator, started on first use; its clock is the harness's. */
  http(method: string, url: string, body?: unknown): Promise<TestResponse>;
  close(): Promise<void>;
}

const ms = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));
const NO_CEILING = { memoryMiB: 2_147_483_647, vcpus: 2_147_483_647, diskGiB: 2_147_483_647, transferGB: 2_147_483_647 };

/** A stable uuid (version 5 layout) for a name, so a server keeps its id across calls. */
function uuidOf(name: string): string {
  const hex = createHash('sha1').update(`carve billing tests\0${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The environment a billing context reads its config from (also handed to child processes). */
export function billingEnv(database: { url: string }, prefix: string, timeZone = 'UTC'): Record<string, string> {
  return { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, BILLING_TIME_ZONE: timeZone, METERING_INTERVAL_SECONDS: '0', RECONCILE_INTERVAL_SECONDS: '0', LOG_LEVEL: 'fatal' };
}

/** billing's services on a database (the replay's module), the clock at `at`. */
export async function billingContext(env: Record<string, string>, at: number): Promise<{ app: INestApplicationContext; clock: ReplayClock; config: CarveConfig }> {
  const config = loadConfig(env);
  const clock = new ReplayClock(at);
  const app = await NestFactory.createApplicationContext(ReplayModule.forRoot(config, clock), { logger: false });
  return { app, clock, config };
}

/** A fresh migrated database and Redis prefix with billing's services on it. */
export async function startBillingHarness(options: { timeZone?: string; at?: string; env?: Record<string, string> } = {}): Promise<BillingHarness> {
  const database: TestDatabase = await createTestDatabase({ migrate: true });
  const prefix = uniqueName('carvebill');
  const env = { ...billingEnv(database, prefix, options.timeZone), ...options.env };
  const { app, clock, config } = await billingContext(env, ms(options.at ?? '2026-01-01T00:00:00Z'));
  const db = app.get(DataSource);
  const bootstrap = await ensureBootstrapOperator(db);
  const operator = await app.get(TokenService).authenticate(bootstrap.token!);
  let api: NestFastifyApplication | undefined;

  const harness: BillingHarness = {
    app,
    clock,
    config,
    db,
    env,
    operator,
    runs: app.get(InvoiceRuns),
    invoices: app.get(InvoiceRepository),
    at: (instant) => clock.set(ms(instant)),
    async customer(name, taxRate = '0') {
      const created = await app.get(CustomerService).create({ name, taxRate, adminName: 'Admin', adminEmail: `admin-${uuidOf(name).slice(0, 8)}@example.com` });
      await app.get(PoolCeilingService).set(created.id, NO_CEILING);
      return created.id;
    },
    async sharedPool(customerId, name, size, billing = 'transfer') {
      return (await app.get(PoolService).create(operator, { kind: 'shared', name, customerId, billing, ...size })).id;
    },
    removePool: (poolId) => app.get(PoolService).remove(operator, poolId),
    async priceVersion(effectiveFrom, currency = 'EUR', prices = {}) {
      await app.get(PriceBook).create(operator, { effectiveFrom, currency, ...PRICES, ...prices });
    },
    usage(customerId, poolId, serverName, entries) {
      return app.get(UsageIngest).ingestSpans([
        {
          server: { id: uuidOf(`${poolId}\0${serverName}`), customerId, poolId },
          hostId: uuidOf('host'),
          spans: entries.map((e) => ({
            from: ms(e.from),
            to: ms(e.to),
            kind: ms(e.to) - ms(e.from) > 3_600_000 ? 'gap' : 'measured',
            memoryMiB: 1024,
            usage: { ...ZERO_COUNTERS, cpuMs: (e.cpuSeconds ?? 0) * 1000, netOutBytes: e.netOutBytes ?? 0, netInBytes: e.netInBytes ?? 0, readBytes: e.readBytes ?? 0, writeBytes: e.writeBytes ?? 0 },
          })),
        },
      ]);
    },
    async lines(invoiceId) {
      return (await app.get(InvoiceRepository).lines([invoiceId])).get(invoiceId) ?? [];
    },
    async http(method, url, body) {
      if (!api) {
        api = (await createApiApp(config)).app;
        // The API's carve clock says what the test's does (period ends, issue dates).
        api.get(Clock).now = () => clock.now();
      }
      const response = await api.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${bootstrap.token!}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      let parsed: unknown;
      try {
        parsed = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.statusCode, headers: response.headers, body: parsed, text: response.body };
    },
    async close() {
      await api?.close();
      await app.close();
      await database.drop();
      await clearRedisPrefix(prefix);
    },
  };
  return harness;
}

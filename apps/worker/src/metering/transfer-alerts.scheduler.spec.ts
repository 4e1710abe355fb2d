// Medium test: the per-interval claim in real Redis decides which worker checks.
import { loadConfig } from '@carve/config';
import { SystemClock } from '@carve/core';
import type { TransferAlertRun, TransferAlerts } from '@carve/metering';
import { RedisConnection } from '@carve/redis';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import { TransferAlertsScheduler } from './transfer-alerts.scheduler';

const prefix = uniqueName('carvetest');
const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, METERING_INTERVAL_SECONDS: '60' });
const connections: RedisConnection[] = [];
afterAll(async () => {
  for (const connection of connections) await connection.onApplicationShutdown();
  await clearRedisPrefix(prefix);
});

/** A worker process's scheduler; the alerts only count the checks it runs (what they do is tested in libs/metering). */
function worker(checks: Date[]): TransferAlertsScheduler {
  const redis = new RedisConnection(config);
  connections.push(redis);
  const check = async (now: Date): Promise<TransferAlertRun> => {
    checks.push(now);
    return { month: '', poolsChecked: 0, raised: [] };
  };
  const alerts = { check } as unknown as TransferAlerts;
  return new TransferAlertsScheduler(config, alerts, redis, new SystemClock());
}

it('checks each interval in exactly one of several workers', async () => {
  const checks: Date[] = [];
  const workers = [worker(checks), worker(checks), worker(checks)];
  const runs = await Promise.all([7, 7, 7, 8, 8].map((interval, i) => workers[i % workers.length]!.run(interval, 60_000)));
  expect(runs.filter((r) => r !== null)).toHaveLength(2);
  expect(checks).toHaveLength(2);
});

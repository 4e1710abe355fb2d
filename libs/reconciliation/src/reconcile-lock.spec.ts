import { loadConfig } from '@carve/config';
import { RedisConnection } from '@carve/redis';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import { ReconcileLock } from './reconcile-lock';

// Medium: real Redis. Two RedisConnections stand for two worker processes.
const prefix = uniqueName('reconcilelock');
const config = loadConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
const connections = [new RedisConnection(config), new RedisConnection(config)];
const [first, second] = connections.map((c) => new ReconcileLock(c));

afterAll(async () => {
  await Promise.all(connections.map((c) => c.onApplicationShutdown()));
  await clearRedisPrefix(prefix);
});

describe('ReconcileLock', () => {
  it('gives each interval to one process only', async () => {
    await expect(first.claimInterval(60_000)).resolves.toBe(true);
    await expect(second.claimInterval(60_000)).resolves.toBe(false);
    await expect(first.claimInterval(60_000)).resolves.toBe(false);
  });

  it('runs one pass at a time across processes and frees the lock after, even when the pass throws', async () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holding = first.exclusive(() => {
      entered();
      return new Promise<string>((resolve) => (release = () => resolve('first')));
    });
    await inside;
    await expect(second.exclusive(async () => 'second')).resolves.toBeNull();
    release();
    await expect(holding).resolves.toBe('first');

    await expect(second.exclusive(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(first.exclusive(async () => 'again')).resolves.toBe('again');
  });
});

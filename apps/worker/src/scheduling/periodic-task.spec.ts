import { Logger } from '@nestjs/common';
import { loadConfig } from '@carve/config';
import { RedisConnection } from '@carve/redis';
import { clearRedisPrefix, TEST_REDIS_URL, uniqueName } from '@carve/testing';
import { claimKey, PeriodicTask, untilBoundary } from './periodic-task';

/** A logger that keeps its lines instead of printing them. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = new Logger('test') as Logger & { lines: string[] };
  logger.lines = lines;
  logger.log = (message: string) => void lines.push(`log ${message}`);
  logger.error = (message: string) => void lines.push(`error ${message}`);
  return logger;
}

describe('untilBoundary', () => {
  it('is the time to the next boundary plus the offset, never 0', () => {
    expect(untilBoundary(120_000, 60_000)).toBe(60_000);
    expect(untilBoundary(125_000, 60_000)).toBe(55_000);
    expect(untilBoundary(125_000, 60_000, 30_000)).toBe(25_000);
    expect(untilBoundary(155_000, 60_000, 30_000)).toBe(55_000);
    expect(untilBoundary(150_000, 60_000, 30_000)).toBe(60_000);
  });
});

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs first after firstInMs, then every everyMs, skipping ticks while a run is under way', async () => {
    let runs = 0;
    let finish!: () => void;
    const task = PeriodicTask.start({
      what: 'test task',
      logger: recordingLogger(),
      everyMs: 1000,
      firstInMs: 300,
      run: () => {
        runs += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    await jest.advanceTimersByTimeAsync(299);
    expect(runs).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(3000); // three ticks find the first run still going
    expect(runs).toBe(1);
    finish();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    const stopped = task.stop();
    finish();
    await stopped;
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(2);
  });

  it('logs a failed run under its name and keeps running', async () => {
    const logger = recordingLogger();
    let runs = 0;
    const task = PeriodicTask.start({
      what: 'test task',
      logger,
      everyMs: 1000,
      run: () => {
        runs += 1;
        return Promise.reject(new Error(`boom ${runs}`));
      },
    });
    await jest.advanceTimersByTimeAsync(2000);
    expect(logger.lines).toEqual(['error test task failed: boom 1', 'error test task failed: boom 2']);
    await task.stop();
  });

  it('never runs when everyMs is 0, and says so', async () => {
    const logger = recordingLogger();
    const task = PeriodicTask.start({ what: 'test task', logger, everyMs: 0, offNotice: 'test task off', run: () => Promise.reject(new Error('ran')) });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(logger.lines).toEqual(['log test task off']);
    await task.stop();
  });
});

describe('claimKey', () => {
  const prefix = uniqueName('carvetest');
  const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix });
  const a = new RedisConnection(config);
  const b = new RedisConnection(config);
  afterAll(async () => {
    await a.onApplicationShutdown();
    await b.onApplicationShutdown();
    await clearRedisPrefix(prefix);
  });

  it('is won by exactly one process until the key is gone', async () => {
    const key = a.key('test', 'claim');
    const wins = await Promise.all([claimKey(a, key, 60_000), claimKey(b, key, 60_000, 'b'), claimKey(a, key, 60_000)]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    await a.client.del(key);
    await expect(claimKey(b, key, 60_000, 'b')).resolves.toBe(true);
    await expect(b.client.get(key)).resolves.toBe('b');
    expect(await b.client.pttl(key)).toBeGreaterThan(0);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { EMBEDDED_POSTGRES_PORT, startEmbeddedPostgres } from '../launcher/embedded-postgres';
import { EMBEDDED_REDIS_PORT, startRedisServer } from '../launcher/redis-server';

/** The PostgreSQL and Redis the seed talks to, and how to stop what it started for itself. */
export interface SeedTarget {
  databaseUrl: string;
  redisUrl: string;
  /** Where each came from, for the first line of output. */
  description: string;
  stop(): Promise<void>;
}

function blank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The port of the PostgreSQL that runs on the cluster, read from its postmaster.pid (line 4), when its process is alive. */
function runningClusterPort(clusterDir: string): number | undefined {
  const file = join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const [pid, , , port] = readFileSync(file, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (error) {
    // EPERM: alive, owned by the postgres user; ESRCH: a stale file from a killed server.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return Number(port) || EMBEDDED_POSTGRES_PORT;
}

async function answersPing(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * DATABASE_URL and REDIS_URL when set; otherwise what `npm start` uses when they are unset:
 * the embedded PostgreSQL cluster and the redis-server under CARVE_DATA_DIR (default ./.data),
 * reused while npm start runs, started for the run (and stopped after it) when it does not.
 * The seed uses no Redis itself; the jobs queues under the servers module connect (BullMQ writes its queue meta key).
 */
export async function resolveSeedTarget(env: Record<string, string | undefined>, say: (line: string) => void): Promise<SeedTarget> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  const dataDir = resolve(blank(env.CARVE_DATA_DIR) ?? '.data');
  try {
    let databaseUrl = blank(env.DATABASE_URL);
    let databaseFrom = 'DATABASE_URL';
    if (!databaseUrl) {
      const port = runningClusterPort(join(dataDir, 'postgres'));
      const passwordFile = join(dataDir, 'postgres-password');
      if (port !== undefined && existsSync(passwordFile)) {
        databaseUrl = `postgres://carve:${encodeURIComponent(readFileSync(passwordFile, 'utf8').trim())}@127.0.0.1:${port}/carve`;
        databaseFrom = `the embedded PostgreSQL of npm start (127.0.0.1:${port})`;
      } else {
        say(`DATABASE_URL is unset and npm start is not running: starting its embedded PostgreSQL (${join(dataDir, 'postgres')}) for this run`);
        const pg = await startEmbeddedPostgres(dataDir);
        stops.push(() => pg.stop());
        databaseUrl = pg.url;
        databaseFrom = `the embedded PostgreSQL, started for this run (127.0.0.1:${pg.port})`;
      }
    }
    let redisUrl = blank(env.REDIS_URL);
    let redisFrom = 'REDIS_URL';
    if (!redisUrl) {
      const candidates = [`redis://127.0.0.1:${EMBEDDED_REDIS_PORT}`, 'redis://127.0.0.1:6379'];
      for (const url of candidates) {
        if (await answersPing(url)) {
          redisUrl = url;
          redisFrom = url;
          break;
        }
      }
      if (!redisUrl) {
        const redis = await startRedisServer(dataDir);
        stops.push(() => redis.stop());
        redisUrl = redis.url;
        redisFrom = `a redis-server started for this run (${redis.url})`;
      }
    }
    return { databaseUrl, redisUrl, description: `database: ${databaseFrom}; redis: ${redisFrom}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

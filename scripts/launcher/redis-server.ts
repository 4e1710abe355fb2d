import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { LaunchError } from './launch-error';
import { findFreePort } from './ports';
import { say } from './progress';

export const EMBEDDED_REDIS_PORT = 63799;

export interface RedisServerHandle {
  url: string;
  port: number;
  process: ChildProcess;
  /** Settles if redis-server exits on its own. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export const REDIS_MISSING_HINT = [
  'Get Redis one of these ways, then run npm start again:',
  '  docker compose up -d redis && export REDIS_URL=redis://127.0.0.1:6379',
  '  apt-get install redis-server        (Debian/Ubuntu; npm start then runs its own redis-server)',
  '  export REDIS_URL=redis://HOST:PORT  (any Redis 6.2 or newer you already have)',
].join('\n');

/** redis-server from PATH; the Debian package also puts it in /usr/bin, which a trimmed PATH may miss. */
export function findRedisServer(path = process.env.PATH ?? '', fallbackDirs = ['/usr/bin', '/usr/local/bin', '/usr/sbin']): string | undefined {
  const dirs = [...path.split(delimiter).filter(Boolean), ...fallbackDirs];
  for (const dir of dirs) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** True once the server answers PING with PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function waitForExit(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts a throwaway Redis (no persistence: queues are rebuilt from PostgreSQL) under <dataDir>/redis. */
export async function startRedisServer(dataDir: string, readyTimeoutMs = 15_000): Promise<RedisServerHandle> {
  const binary = findRedisServer();
  if (!binary) throw new LaunchError('REDIS_URL is unset and no redis-server was found on PATH', REDIS_MISSING_HINT);
  const port = await findFreePort(EMBEDDED_REDIS_PORT);
  if (port === undefined) throw new LaunchError(`no free port for Redis between ${EMBEDDED_REDIS_PORT} and ${EMBEDDED_REDIS_PORT + 99}`, 'Free one of those ports, or set REDIS_URL.');
  if (port !== EMBEDDED_REDIS_PORT) say(`port ${EMBEDDED_REDIS_PORT} is busy; Redis will use ${port}`);
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });

  say(`starting ${binary} on 127.0.0.1:${port}`);
  // Its own process group: a terminal Ctrl-C reaches the launcher only, which stops Redis after the apps.
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new LaunchError(`redis-server exited at start (code ${child.exitCode ?? child.signalCode}):\n${output.join('').trimEnd()}`, REDIS_MISSING_HINT);
    }
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
    if (failed) throw new LaunchError(`could not run ${binary}: ${failed.message}`, REDIS_MISSING_HINT);
    if (await pings(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new LaunchError(`redis-server did not answer PING on port ${port} within ${readyTimeoutMs / 1000} s:\n${output.join('').trimEnd()}`, REDIS_MISSING_HINT);
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(`redis-server exited (${signal ?? `code ${code}`})`))),
    stop: async () => {
      child.kill('SIGTERM');
      await waitForExit(child, 5000);
    },
  };
}

/**
 * A PostgreSQL of the bench's own (initdb in a temporary directory, stock settings, the
 * same major version as the machine's), so its CPU is the bench's alone: every process of
 * the cluster is a child of its postmaster, whatever other tests do on the shared server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  adminUrl: string;
  port: number;
  /** The postmaster; every backend and background process of the cluster is its child. */
  pid: number;
  version: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

function binDir(): string {
  const fromEnv = process.env.BENCH_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('bench:collect starts a PostgreSQL of its own and found no initdb under /usr/lib/postgresql/*/bin; set BENCH_PG_BIN to the directory holding initdb and postgres');
  return join(root, versions[0]!, 'bin');
}

/** PostgreSQL refuses to run as root: then it runs as the postgres user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root, bench:collect needs a postgres user to run its PostgreSQL as');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startPrivatePostgres(port: number): Promise<PrivatePostgres> {
  const bin = binDir();
  const ids = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'carve-bench-pg-'));
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const init = spawnSync(join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], { encoding: 'utf8', ...ids });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const server: ChildProcess = spawn(join(bin, 'postgres'), ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'max_connections=100'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...ids,
  });
  let log = '';
  server.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // Nothing the bench starts may outlive it.
  process.once('exit', () => server.kill('SIGKILL'));
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  let version: string | undefined;
  for (;;) {
    const client = new Client({ connectionString: adminUrl });
    try {
      await client.connect();
      version = ((await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '').split(' ')[0]!;
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`the bench's PostgreSQL did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    adminUrl,
    port,
    pid: server.pid!,
    version: version ?? 'unknown',
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGINT'); // fast shutdown
        const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

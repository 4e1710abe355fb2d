import { randomBytes } from 'node:crypto';
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** A failure of the replay's own setup (PostgreSQL unreachable, a migration failing), said in one line. */
export class ReplaySetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplaySetupError';
  }
}

export interface ReplayDatabase {
  name: string;
  url: string;
  /** Drops the database (closing any connection still open); safe to call more than once. */
  drop(): Promise<void>;
}

/** host:port/db of a URL, without its password, for messages. */
export function describeServer(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the PostgreSQL URL given';
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl, application_name: 'carve billing:replay' });
  try {
    await client.connect();
  } catch (error) {
    throw new ReplaySetupError(`cannot connect to PostgreSQL at ${describeServer(serverUrl)}: ${(error as Error).message}`);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A fresh, empty database `carve_replay_<random>` on the server of serverUrl, brought to
 * the current schema by carve's own migrations. Dropped by drop(), also when the
 * migrations fail here.
 */
export async function createReplayDatabase(serverUrl: string): Promise<ReplayDatabase> {
  const name = `carve_replay_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  let dropped: Promise<void> | undefined;
  const database: ReplayDatabase = {
    name,
    url: withDatabase(serverUrl, name),
    drop: () => (dropped ??= onServer(serverUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)))),
  };
  const db = new DataSource(dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS));
  try {
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw new ReplaySetupError(`the migrations failed on ${name}: ${(error as Error).message}`);
  } finally {
    if (db.isInitialized) await db.destroy();
  }
  return database;
}

import 'reflect-metadata';
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { DataSource, type Logger } from 'typeorm';
import { LaunchError } from './launch-error';
import { say } from './progress';

/** Passes TypeORM's migration progress ("Migration X has been executed successfully.") to the terminal. */
const migrationProgress: Logger = {
  logQuery: () => undefined,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: (message: string) => say(`migrations: ${message}`),
  logMigration: (message: string) => say(`migrations: ${message}`),
  log: () => undefined,
};

/** Where the URL points, without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the DATABASE_URL database';
  }
}

/** The launcher's own connection: migrations, the bootstrap operator and the simulated hosts' registration. */
export async function openDatabase(url: string): Promise<DataSource> {
  const db = new DataSource({ ...dataSourceOptions(url, ALL_ENTITIES, ALL_MIGRATIONS), logger: migrationProgress, logging: ['schema', 'migration'] });
  try {
    await db.initialize();
  } catch (error) {
    throw new LaunchError(
      `cannot connect to PostgreSQL at ${describeDatabaseUrl(url)}: ${error instanceof Error ? error.message : String(error)}`,
      'Check that PostgreSQL runs and DATABASE_URL is right, or unset DATABASE_URL to let npm start run an embedded PostgreSQL.',
    );
  }
  return db;
}

export async function runPendingMigrations(db: DataSource): Promise<number> {
  try {
    const executed = await db.runMigrations({ transaction: 'each' });
    return executed.length;
  } catch (error) {
    throw new LaunchError(
      `a migration failed: ${error instanceof Error ? error.message : String(error)}`,
      'Nothing after the failed migration ran. Fix the migration or the database, then run npm start (or npm run migration:run) again.',
    );
  }
}

import type { DataSourceOptions } from 'typeorm';

/**
 * The one place that says how carve talks to PostgreSQL. Shared by the apps (through
 * DatabaseModule), the migration CLI (migrations/data-source.ts) and the test harness,
 * so all three run the same migrations against the same schema. synchronize is never on.
 */
export function dataSourceOptions(
  databaseUrl: string,
  entities: DataSourceOptions['entities'],
  migrations: DataSourceOptions['migrations'],
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities,
    migrations,
    synchronize: false,
    // Migrations use the built-in gen_random_uuid(); creating extensions would need superuser rights.
    installExtensions: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: { max: 10, application_name: 'carve' },
  };
}

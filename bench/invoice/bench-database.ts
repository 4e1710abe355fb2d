/**
 * The benchmark's own database, carve_bench_invoice on the server of TEST_POSTGRES_URL (as the
 * tests use): dropped if a previous run left it, created, brought to the current schema by
 * carve's migrations, and dropped again at the end (BENCH_KEEP_DB=1 keeps it for a look).
 */
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

export const BENCH_DATABASE = 'carve_bench_invoice';
const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: SERVER_URL, application_name: 'carve bench:invoice' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function freshBenchDatabase(): Promise<BenchDatabase> {
  await onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${BENCH_DATABASE}`);
  const url = withDatabase(SERVER_URL, BENCH_DATABASE);
  const db = new DataSource(dataSourceOptions(url, ALL_ENTITIES, ALL_MIGRATIONS));
  await db.initialize();
  try {
    await db.runMigrations({ transaction: 'each' });
  } finally {
    await db.destroy();
  }
  return { name: BENCH_DATABASE, url, drop: () => onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`) };
}

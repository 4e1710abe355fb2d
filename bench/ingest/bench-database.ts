/**
 * A benchmark's own database, by a fixed name (carve_bench_ingest, carve_bench_graphs): dropped
 * if a killed run left it, created, brought to the schema by the real migrations as the
 * tests do, and dropped again at the end.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { TEST_POSTGRES_URL } from '@carve/testing';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(name: string): Promise<BenchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`);
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const parsed = new URL(TEST_POSTGRES_URL);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const db = new DataSource(dataSourceOptions(url, ALL_ENTITIES, ALL_MIGRATIONS));
  await db.initialize();
  try {
    await db.runMigrations({ transaction: 'each' });
  } finally {
    await db.destroy();
  }
  return { name, url, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// Medium test: every migration up, every migration down, on an empty database, then up again.
import { dataSourceOptions } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { createTestDatabase, TestDatabase } from '@carve/testing';
import { DataSource } from 'typeorm';

/** TypeORM's own bookkeeping: the only thing allowed to survive a full revert. */
const MIGRATIONS_TABLE = 'migrations';

let database: TestDatabase;
let db: DataSource;
/** What exists before any migration: TypeORM itself installs uuid-ossp when it connects (see the report); migrations add to this. */
let baseline: string[];

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  db = new DataSource(dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS));
  await db.initialize();
  baseline = await schemaObjects();
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

/** Everything a migration can leave in the public schema: relations, types, functions, triggers, extensions. */
async function schemaObjects(): Promise<string[]> {
  const rows: { object: string }[] = await db.query(`
    SELECT 'relation ' || c.relname::text || ' (' || c.relkind::text || ')' AS object
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relname NOT LIKE '${MIGRATIONS_TABLE}%'
       AND NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE i.indexrelid = c.oid AND t.relname = '${MIGRATIONS_TABLE}')
    UNION ALL
    SELECT 'type ' || t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'm')
    UNION ALL
    SELECT 'function ' || p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'trigger ' || tg.tgname::text FROM pg_trigger tg WHERE NOT tg.tgisinternal
    UNION ALL
    SELECT 'extension ' || e.extname::text FROM pg_extension e WHERE e.extname <> 'plpgsql'
    ORDER BY 1`);
  return rows.map((r) => r.object);
}

async function tables(): Promise<string[]> {
  const rows: { table_name: string }[] = await db.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY 1`,
    [MIGRATIONS_TABLE],
  );
  return rows.map((r) => r.table_name);
}

async function executedCount(): Promise<number> {
  const exists: unknown[] = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1`, [MIGRATIONS_TABLE]);
  if (exists.length === 0) return 0;
  const [row] = await db.query(`SELECT count(*)::int AS n FROM ${MIGRATIONS_TABLE}`);
  return row.n;
}

it('runs every migration up, reverts every one, and runs them up again', async () => {
  expect(await tables()).toEqual([]);

  const applied = await db.runMigrations({ transaction: 'each' });
  expect(applied.map((m) => m.name)).toEqual(ALL_MIGRATIONS.map((m) => new m().name ?? m.name));
  expect(await executedCount()).toBe(ALL_MIGRATIONS.length);
  const migratedTables = await tables();
  // The tables every entity maps to exist (the catalog and the migrations agree).
  expect(migratedTables).toEqual(expect.arrayContaining(db.entityMetadatas.map((e) => e.tableName)));
  expect(migratedTables).toEqual(expect.arrayContaining(['customers', 'users', 'api_tokens', 'hosts']));
  const migratedObjects = await schemaObjects();

  for (let remaining = ALL_MIGRATIONS.length; remaining > 0; remaining--) {
    await db.undoLastMigration({ transaction: 'each' });
    expect(await executedCount()).toBe(remaining - 1);
  }
  expect(await tables()).toEqual([]);
  expect(await schemaObjects()).toEqual(baseline);

  // down() left nothing behind that stops up() from running again, and up() is repeatable.
  await db.runMigrations({ transaction: 'each' });
  expect(await tables()).toEqual(migratedTables);
  expect(await schemaObjects()).toEqual(migratedObjects);
});

it('reverts one migration at a time back to each earlier schema', async () => {
  // Schema after each prefix of migrations, recorded on the way down and compared on the way up.
  await db.runMigrations({ transaction: 'each' });
  const shapes: string[][] = [];
  for (let remaining = ALL_MIGRATIONS.length; remaining > 0; remaining--) {
    shapes.unshift(await schemaObjects());
    await db.undoLastMigration({ transaction: 'each' });
  }
  shapes.unshift(await schemaObjects());
  expect(shapes[0]).toEqual(baseline);
  for (let step = 1; step <= ALL_MIGRATIONS.length; step++) {
    // runMigrations runs everything pending, so go up one at a time through a DataSource that knows only the first `step`.
    const partial = new DataSource(dataSourceOptions(database.url, ALL_ENTITIES, ALL_MIGRATIONS.slice(0, step)));
    await partial.initialize();
    try {
      await partial.runMigrations({ transaction: 'each' });
    } finally {
      await partial.destroy();
    }
    expect(await schemaObjects()).toEqual(shapes[step]);
  }
});

/**
 * One-shot deploy step (docker compose's `migrate` service): runs pending migrations, then
 * makes the bootstrap operator on first run (CARVE_BOOTSTRAP_TOKEN, when set, becomes its token)
 * and prints that token once. Safe to run on every deploy: later runs change nothing.
 * Locally: node -r @swc-node/register scripts/migrate.ts (npm start does the same itself).
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@carve/config';
import { ensureBootstrapOperator } from '@carve/tenancy';
import { openDatabase, runPendingMigrations } from './launcher/database';
import { LaunchError } from './launcher/launch-error';
import { banner, say, step } from './launcher/progress';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl);
  try {
    const executed = await step('running pending migrations', () => runPendingMigrations(db));
    say(executed === 0 ? 'schema is up to date' : `${executed} migration(s) applied`);
    const bootstrap = await ensureBootstrapOperator(db, config.bootstrapToken);
    if (bootstrap.created && bootstrap.token) {
      banner(['Bootstrap operator token (shown once, keep it):', `  ${bootstrap.token}`]);
    } else {
      say('bootstrap operator exists; its token was printed when it was created');
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof LaunchError) console.error(`[carve] error: ${error.message}\n[carve] what to do: ${error.hint}`);
  else console.error(error);
  process.exit(1);
});

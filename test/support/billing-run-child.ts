/**
 * An invoice run in a process of its own, for tests that kill it with SIGKILL halfway:
 * `node -r @swc-node/register test/support/billing-run-child.ts PERIOD CLOCK_AT HANG_AFTER`
 * with the billing config in the environment. After HANG_AFTER invoices are committed it
 * stops inside the next finalising transaction (draft stored, number taken, not committed)
 * and says so on stdout, where the test waits to kill it. HANG_AFTER -1 runs to the end.
 * Only the repository instance the run uses is wrapped; the run is carve's own.
 */
import 'reflect-metadata';
import { InvoiceRepository, InvoiceRuns } from '@carve/billing';
import { EntityManager } from 'typeorm';
import { billingContext } from './billing-harness';

async function main(): Promise<void> {
  const [period, clockAt, hangAfterText] = process.argv.slice(2) as [string, string, string];
  const hangAfter = Number(hangAfterText);
  // The parent hands the billing config over in the environment (test/support/billing-harness.ts billingEnv).
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const { app } = await billingContext(env, Date.parse(clockAt));
  const repository = app.get(InvoiceRepository);
  let committed = 0;
  const transaction = repository.transaction.bind(repository);
  repository.transaction = async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
    const result = await transaction(work);
    if (result) process.stdout.write(`committed ${String(result)} (${++committed})\n`);
    return result;
  };
  const finalise = repository.finalise.bind(repository);
  repository.finalise = async (manager, id, issuedAt) => {
    const invoice = await finalise(manager, id, issuedAt);
    if (committed === hangAfter) {
      process.stdout.write(`hanging before commit of ${invoice.number}\n`);
      await new Promise(() => undefined);
    }
    return invoice;
  };
  const result = await app.get(InvoiceRuns).run(period, 'api');
  process.stdout.write(`run finished: ${result.issued} issued\n`);
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`billing-run-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

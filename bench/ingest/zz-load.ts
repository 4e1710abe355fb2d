import 'reflect-metadata';
import { createTestDatabase } from '@carve/testing';
import { startIngestContext } from './ingest-context';
import { loadHistory, settle } from './history-load';
async function main() {
  const db = await createTestDatabase({ migrate: true });
  try {
  const ctx = await startIngestContext(db.url);
  const end = Date.UTC(2026, 0, 30, 12);
  const hours = Number(process.argv[2] ?? 6);
  await ctx.partitions.ensure(new Date(end - 31 * 86400000), new Date(end + 86400000));
  let t = Date.now();
  const r = await loadHistory(db.url, { servers: 5000, rawHours: hours, rollupDays: Number(process.argv[4] ?? 30), endMs: end }, Number(process.argv[3] ?? 2), (l) => console.log(new Date().toISOString(), l));
  console.log('load', Date.now() - t, r.map((x) => x.rows));
  t = Date.now();
  await settle(db.url);
  console.log('settle', Date.now() - t);
  await ctx.close();
  } finally { await db.drop(); }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });

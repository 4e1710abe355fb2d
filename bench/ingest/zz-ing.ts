import 'reflect-metadata';
import { createTestDatabase } from '@carve/testing';
import { startIngestContext } from './ingest-context';
import { BenchFleet } from './bench-fleet';
import { ingestRounds, nextRound } from './ingest-rounds';
import { CpuMeter } from '../provision/cpu-usage';
async function main() {
  const db = await createTestDatabase({ migrate: true });
  try {
  const ctx = await startIngestContext(db.url);
  const T0 = Date.UTC(2026, 0, 30, 12);
  const H = Number(process.argv[2] ?? 100), K = Number(process.argv[3] ?? 5), C = Number(process.argv[4] ?? 8);
  const fleet = new BenchFleet(H);
  console.log('warm', await ingestRounds(ctx.ingest, [nextRound(fleet, T0, 0)], C));
  let interval = 1;
  for (let rep = 0; rep < 3; rep++) {
    const rounds = Array.from({ length: K }, () => nextRound(fleet, T0, interval++));
    const m = new CpuMeter(); m.watch('bench', process.pid); const b = m.snapshot();
    const r = await ingestRounds(ctx.ingest, rounds, C);
    console.log(CpuMeter.between(b, m.snapshot()));
    console.log(rep, r, 'domain readings/s', (r.domainReadings * 1000 / r.wallMs).toFixed(0), 'host/s', (r.hostReadings * 1000 / r.wallMs).toFixed(1));
  }
  await ctx.close();
  } finally { await db.drop(); }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });

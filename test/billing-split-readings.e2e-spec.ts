// Property, against real PostgreSQL through the ingest path and the real invoice run: the
// same usage of a month delivered as differently cut spans (an hour, a few minutes, one long
// gap span) bills the same invoice to the cent, lines and quantities included.
import fc from 'fast-check';
import { BillingHarness, startBillingHarness } from './support/billing-harness';

jest.setTimeout(240_000);

let h: BillingHarness;
const HOUR = 3_600_000;
const MONTH_START = Date.parse('2026-04-01T00:00:00Z');
// Usage ends an hour before April does; the preview is read in its last minute.
const MONTH_END = Date.parse('2026-04-30T23:00:00Z');

beforeAll(async () => {
  h = await startBillingHarness({ at: '2026-03-20T00:00:00Z' });
  await h.priceVersion('2026-01-01T00:00:00Z', 'EUR', { includedCpuHoursPerVcpuMonth: '1', includedIoGbPerDiskGibMonth: '0.01' });
});
afterAll(() => h?.close());

interface Piece {
  from: number;
  to: number;
  cpuSeconds: number;
  readBytes: number;
  writeBytes: number;
  netOutBytes: number;
}

/** One block of usage [from, to) cut at `cuts` (ms offsets) into spans whose counters add up to the block's exactly. */
function cutBlock(block: Piece, cuts: number[]): Piece[] {
  const points = [...new Set(cuts.map((c) => block.from + c).filter((t) => t > block.from && t < block.to))].sort((a, b) => a - b);
  const bounds = [block.from, ...points, block.to];
  const pieces: Piece[] = [];
  // Exact integer shares (BigInt: bytes x milliseconds passes 2^53).
  const upTo = (total: number, at: number) => (BigInt(total) * BigInt(at - block.from)) / BigInt(block.to - block.from);
  const share = (total: number, i: number) => Number(upTo(total, bounds[i + 1]!) - upTo(total, bounds[i]!));
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    pieces.push({ from: bounds[i]!, to: bounds[i + 1]!, cpuSeconds: share(block.cpuSeconds, i), readBytes: share(block.readBytes, i), writeBytes: share(block.writeBytes, i), netOutBytes: share(block.netOutBytes, i) });
  }
  return pieces;
}

const asEntries = (pieces: Piece[]) => pieces.map((p) => ({ from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), cpuSeconds: p.cpuSeconds, readBytes: p.readBytes, writeBytes: p.writeBytes, netOutBytes: p.netOutBytes }));

it('bills the same month however its readings were cut into spans', async () => {
  let round = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          startHour: fc.integer({ min: 0, max: 700 }),
          hours: fc.integer({ min: 1, max: 20 }),
          cpuSeconds: fc.integer({ min: 0, max: 50_000 }),
          readBytes: fc.integer({ min: 0, max: 4e10 }),
          writeBytes: fc.integer({ min: 0, max: 4e10 }),
          netOutBytes: fc.integer({ min: 0, max: 9e11 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.array(fc.integer({ min: 1, max: 20 * HOUR - 1 }), { maxLength: 8 }),
      async (blocks, cuts) => {
        round += 1;
        // Blocks laid end to end from their start hour, never overlapping, all inside April.
        let cursor = MONTH_START;
        const laid: Piece[] = [];
        for (const b of blocks) {
          const from = Math.max(cursor, MONTH_START + b.startHour * HOUR);
          const to = Math.min(from + b.hours * HOUR, MONTH_END);
          if (to <= from) break;
          laid.push({ from, to, cpuSeconds: b.cpuSeconds, readBytes: b.readBytes, writeBytes: b.writeBytes, netOutBytes: b.netOutBytes });
          cursor = to;
        }
        const totals: string[] = [];
        for (const [variant, split] of [['whole', false], ['cut', true]] as const) {
          h.at('2026-03-31T00:00:00Z');
          const customerId = await h.customer(`split ${round} ${variant}`);
          const poolId = await h.sharedPool(customerId, 'web', { memoryMiB: 2048, vcpus: 1, diskGiB: 10, transferGB: 100 });
          h.at('2026-04-30T23:59:00Z');
          const pieces = laid.flatMap((b) => (split ? cutBlock(b, cuts) : [b]));
          await h.usage(customerId, poolId, 'web1', asEntries(pieces));
          const preview = await h.http('GET', `/v1/invoices/preview?customerId=${customerId}`);
          expect(preview.status).toBe(200);
          expect(preview.body.period).toBe('2026-04');
          totals.push(JSON.stringify({ status: preview.status, lines: preview.body?.lines?.map((l: { kind: string; quantity: string; amount: string }) => [l.kind, l.quantity, l.amount]), total: preview.body?.total }));
        }
        expect(totals[1]).toBe(totals[0]);
        if (laid.some((b) => b.cpuSeconds > 3600 || b.readBytes + b.writeBytes > 1e9)) expect(totals[0]).toMatch(/overage/);
      },
    ),
    { numRuns: 12 },
  );
});

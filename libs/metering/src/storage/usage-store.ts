import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Counters, splitAtBuckets, UsageLoss, UsageSpan, USAGE_COUNTERS } from '../usage';
import { COUNTER_COLUMN_LIST, ROLLUP_BUCKET_MS, RollupTable } from './usage-columns';

/** A usage span of one server, with the owners it is attributed to (kept on the row so pool and customer sums need no join). */
export interface ServerSpan {
  serverId: string;
  hostId: string;
  customerId: string;
  poolId: string;
  span: UsageSpan;
}

export interface ServerLoss {
  serverId: string;
  hostId: string;
  loss: UsageLoss;
}

const COUNTER_ARRAYS = COUNTER_COLUMN_LIST.map((_, i) => `$${i + 8}::bigint[]`).join(', ');
const COUNTER_SUMS = COUNTER_COLUMN_LIST.map((c) => `${c} = %T.${c} + EXCLUDED.${c}`).join(', ');

interface RollupRow {
  serverId: string;
  hostId: string;
  customerId: string;
  poolId: string;
  bucketStart: number;
  counters: Record<string, number>;
  coveredMs: number;
  estimatedMs: number;
  memoryMibMs: number;
}

function bucketOf(table: RollupTable, at: number): number {
  const size = ROLLUP_BUCKET_MS[table];
  return Math.floor(at / size) * size;
}

/**
 * Writes usage: raw spans once per (server, start), and the 5-minute, hourly and daily
 * rollups from exactly the spans that were inserted, so a replayed reading adds nothing
 * anywhere. Every span is cut at 5-minute boundaries first (apportioned exactly), so a
 * piece lies in one bucket of every resolution and each rollup sums to the raw data.
 * All methods run inside the caller's transaction.
 */
@Injectable()
export class UsageStore {
  /** Inserts the spans, skipping any (server, start) already stored; returns the ones inserted. */
  async insertSpans(manager: EntityManager, rows: readonly ServerSpan[]): Promise<ServerSpan[]> {
    if (rows.length === 0) return [];
    const params: unknown[] = [
      rows.map((r) => r.serverId),
      rows.map((r) => r.hostId),
      rows.map((r) => r.customerId),
      rows.map((r) => r.poolId),
      rows.map((r) => new Date(r.span.from)),
      rows.map((r) => new Date(r.span.to)),
      rows.map((r) => r.span.kind),
      ...USAGE_COUNTERS.map((counter) => rows.map((r) => r.span.usage[counter])),
      rows.map((r) => r.span.memoryMiB),
    ];
    const inserted: { server_id: string; interval_start: Date }[] = await manager.query(
      `INSERT INTO usage_samples (server_id, host_id, customer_id, pool_id, interval_start, interval_end, kind, ${COUNTER_COLUMN_LIST.join(', ')}, memory_mib)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::text[], ${COUNTER_ARRAYS}, $${8 + COUNTER_COLUMN_LIST.length}::int[])
       ON CONFLICT (server_id, interval_start) DO NOTHING
       RETURNING server_id, interval_start`,
      params,
    );
    const keys = new Set(inserted.map((r) => `${r.server_id}|${new Date(r.interval_start).getTime()}`));
    return rows.filter((r) => keys.has(`${r.serverId}|${r.span.from}`));
  }

  /**
   * Adds the spans to every rollup (call with what insertSpans returned). `keptFrom` says
   * where each rollup's retention starts: older pieces are left out of that rollup (its
   * partitions there are gone or about to be), and stay in the coarser ones.
   */
  async addToRollups(manager: EntityManager, rows: readonly ServerSpan[], keptFrom: (table: RollupTable) => number = () => Number.NEGATIVE_INFINITY): Promise<void> {
    if (rows.length === 0) return;
    const pieces = rows.flatMap((row) => splitAtBuckets(row.span).map((span) => ({ ...row, span })));
    for (const table of Object.keys(ROLLUP_BUCKET_MS) as RollupTable[]) {
      const from = keptFrom(table);
      await this.upsertRollup(manager, table, this.aggregate(table, pieces.filter((p) => p.span.from >= from)));
    }
  }

  async insertLosses(manager: EntityManager, losses: readonly ServerLoss[]): Promise<void> {
    if (losses.length === 0) return;
    await manager.query(
      `INSERT INTO usage_losses (server_id, host_id, lost_from, lost_to, reason)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::text[])
       ON CONFLICT (server_id, lost_from) DO NOTHING`,
      [losses.map((l) => l.serverId), losses.map((l) => l.hostId), losses.map((l) => new Date(l.loss.from)), losses.map((l) => new Date(l.loss.to)), losses.map((l) => l.loss.reason)],
    );
  }

  private aggregate(table: RollupTable, pieces: readonly ServerSpan[]): RollupRow[] {
    const rows = new Map<string, RollupRow>();
    for (const { serverId, hostId, customerId, poolId, span } of pieces) {
      const bucketStart = bucketOf(table, span.from);
      const key = `${serverId}|${bucketStart}|${hostId}`;
      let row = rows.get(key);
      if (!row) {
        row = { serverId, hostId, customerId, poolId, bucketStart, counters: Object.fromEntries(USAGE_COUNTERS.map((c) => [c, 0])), coveredMs: 0, estimatedMs: 0, memoryMibMs: 0 };
        rows.set(key, row);
      }
      const duration = span.to - span.from;
      for (const counter of USAGE_COUNTERS) row.counters[counter]! += (span.usage as Counters)[counter];
      row.coveredMs += duration;
      if (span.kind === 'gap') row.estimatedMs += duration;
      row.memoryMibMs += span.memoryMiB * duration;
    }
    // A fixed order of row locks: two writers touching the same buckets never deadlock.
    return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  }

  private async upsertRollup(manager: EntityManager, table: RollupTable, rows: RollupRow[]): Promise<void> {
    if (rows.length === 0) return;
    const n = COUNTER_COLUMN_LIST.length;
    const params: unknown[] = [
      rows.map((r) => r.serverId),
      rows.map((r) => r.hostId),
      rows.map((r) => r.customerId),
      rows.map((r) => r.poolId),
      rows.map((r) => new Date(r.bucketStart)),
      ...USAGE_COUNTERS.map((counter) => rows.map((r) => r.counters[counter])),
      rows.map((r) => r.coveredMs),
      rows.map((r) => r.estimatedMs),
      rows.map((r) => r.memoryMibMs),
    ];
    const counterArrays = COUNTER_COLUMN_LIST.map((_, i) => `$${i + 6}::bigint[]`).join(', ');
    await manager.query(
      `INSERT INTO ${table} (server_id, host_id, customer_id, pool_id, bucket_start, ${COUNTER_COLUMN_LIST.join(', ')}, covered_ms, estimated_ms, memory_mib_ms)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], ${counterArrays}, $${6 + n}::bigint[], $${7 + n}::bigint[], $${8 + n}::bigint[])
       ON CONFLICT (server_id, bucket_start, host_id) DO UPDATE SET ${COUNTER_SUMS.replace(/%T/g, table)},
         covered_ms = ${table}.covered_ms + EXCLUDED.covered_ms, estimated_ms = ${table}.estimated_ms + EXCLUDED.estimated_ms,
         memory_mib_ms = ${table}.memory_mib_ms + EXCLUDED.memory_mib_ms`,
      params,
    );
  }
}

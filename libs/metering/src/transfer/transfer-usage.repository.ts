import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Outbound transfer from the hourly rollup (kept current at ingest). A row carries the
 * pool its server belonged to, so a pool's sum covers every server it had, on every host
 * it ran on, without a join to servers.
 */
@Injectable()
export class TransferUsageRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** net_out_bytes (what the guests sent: billed transfer) per pool over buckets in [from, to); pools without usage are absent. */
  async outboundBytes(poolIds: readonly string[], from: Date, to: Date): Promise<Map<string, number>> {
    if (poolIds.length === 0) return new Map();
    // SUM of bigint is numeric, which pg hands over as a string.
    const rows: { pool_id: string; bytes: string }[] = await this.db.query(
      `SELECT pool_id, SUM(net_out_bytes)::text AS bytes FROM usage_1h
        WHERE pool_id = ANY($1::uuid[]) AND bucket_start >= $2 AND bucket_start < $3
        GROUP BY pool_id`,
      [poolIds, from, to],
    );
    return new Map(rows.map((r) => [r.pool_id, Number(r.bytes)]));
  }
}

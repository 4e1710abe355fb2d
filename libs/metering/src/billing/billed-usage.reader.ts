import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What a pool's servers used inside a window, summed wherever they ran. */
export interface BilledUsage {
  cpuMs: bigint;
  bytesRead: bigint;
  bytesWritten: bigint;
  netOutBytes: bigint;
  netInBytes: bigint;
}

export interface BandwidthBucket {
  start: number;
  inBytes: bigint;
  outBytes: bigint;
}

/** A pool's share of a host in a window: the memory its servers held there, in MiB-ms (for revenue per host). */
export interface PoolHostShare {
  poolId: string;
  hostId: string;
  memoryMibMs: bigint;
  coveredMs: bigint;
}

const ZERO = (): BilledUsage => ({ cpuMs: 0n, bytesRead: 0n, bytesWritten: 0n, netOutBytes: 0n, netInBytes: 0n });

function toUsage(r: Record<string, string>): BilledUsage {
  return {
    cpuMs: BigInt(r.cpu_ms!),
    bytesRead: BigInt(r.read_bytes!),
    bytesWritten: BigInt(r.write_bytes!),
    netOutBytes: BigInt(r.net_out_bytes!),
    netInBytes: BigInt(r.net_in_bytes!),
  };
}

/**
 * The usage read model billing and the margin report use. Rollups are cut at 5-minute
 * clock boundaries, so an hour-aligned window (any period in a whole-hour time zone) sums
 * hourly rows exactly and a 5-minute-aligned one sums 5-minute rows; a span that crossed
 * the window's edge was split in proportion to time when it was stored.
 */
@Injectable()
export class BilledUsageReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async totals(poolIds: readonly string[], start: number, end: number): Promise<Map<string, BilledUsage>> {
    const out = new Map(poolIds.map((id) => [id, ZERO()]));
    if (poolIds.length === 0) return out;
    const rows: Record<string, string>[] = await this.db.query(
      `SELECT pool_id, sum(cpu_ms)::text AS cpu_ms, sum(read_bytes)::text AS read_bytes, sum(write_bytes)::text AS write_bytes,
              sum(net_out_bytes)::text AS net_out_bytes, sum(net_in_bytes)::text AS net_in_bytes
         FROM ${this.table(start, end)} WHERE pool_id = ANY($1::uuid[]) AND bucket_start >= $2 AND bucket_start < $3 GROUP BY pool_id`,
      [poolIds, new Date(start), new Date(end)],
    );
    for (const r of rows) out.set(r.pool_id!, toUsage(r));
    return out;
  }

  /**
   * Every pool's usage in the window, summed (pools without usage are absent): one pass over
   * the window's rows for a whole invoice run, where per-pool reads would touch most pages
   * of the partition once per customer (a month's rows are laid down hour by hour).
   */
  async totalsOfAllPools(start: number, end: number): Promise<Map<string, BilledUsage>> {
    const rows: Record<string, string>[] = await this.db.query(
      `SELECT pool_id, sum(cpu_ms)::text AS cpu_ms, sum(read_bytes)::text AS read_bytes, sum(write_bytes)::text AS write_bytes,
              sum(net_out_bytes)::text AS net_out_bytes, sum(net_in_bytes)::text AS net_in_bytes
         FROM ${this.table(start, end)} WHERE bucket_start >= $1 AND bucket_start < $2 GROUP BY pool_id`,
      [new Date(start), new Date(end)],
    );
    return new Map(rows.map((r) => [r.pool_id!, toUsage(r)]));
  }

  /** bandwidth() for many pools at once: pool id -> its intervals (an empty list for a pool without readings). */
  async bandwidthOfPools(poolIds: readonly string[], start: number, end: number): Promise<Map<string, BandwidthBucket[]>> {
    const out = new Map<string, BandwidthBucket[]>(poolIds.map((id) => [id, []]));
    if (poolIds.length === 0) return out;
    const rows: { pool_id: string; bucket_start: Date; net_in: string; net_out: string }[] = await this.db.query(
      `SELECT pool_id, bucket_start, sum(net_in_bytes)::text AS net_in, sum(net_out_bytes)::text AS net_out
         FROM usage_5m WHERE pool_id = ANY($1::uuid[]) AND bucket_start >= $2 AND bucket_start < $3 AND covered_ms > 0
        GROUP BY pool_id, bucket_start ORDER BY pool_id, bucket_start`,
      [[...poolIds], new Date(start), new Date(end)],
    );
    for (const r of rows) out.get(r.pool_id)!.push({ start: new Date(r.bucket_start).getTime(), inBytes: BigInt(r.net_in), outBytes: BigInt(r.net_out) });
    return out;
  }

  /** Every clock-aligned 5-minute interval of the window in which the pool's servers have readings, in and out bytes summed. */
  async bandwidth(poolId: string, start: number, end: number): Promise<BandwidthBucket[]> {
    const rows: { bucket_start: Date; net_in: string; net_out: string }[] = await this.db.query(
      `SELECT bucket_start, sum(net_in_bytes)::text AS net_in, sum(net_out_bytes)::text AS net_out
         FROM usage_5m WHERE pool_id = $1 AND bucket_start >= $2 AND bucket_start < $3 AND covered_ms > 0
        GROUP BY bucket_start ORDER BY bucket_start`,
      [poolId, new Date(start), new Date(end)],
    );
    return rows.map((r) => ({ start: new Date(r.bucket_start).getTime(), inBytes: BigInt(r.net_in), outBytes: BigInt(r.net_out) }));
  }

  /** The pools with any usage in the window, with their customers: a customer with usage but no live pool still gets an invoice. */
  async poolsWithUsage(start: number, end: number): Promise<{ poolId: string; customerId: string }[]> {
    const rows: { pool_id: string; customer_id: string }[] = await this.db.query(
      `SELECT DISTINCT pool_id, customer_id FROM ${this.table(start, end)} WHERE bucket_start >= $1 AND bucket_start < $2`,
      [new Date(start), new Date(end)],
    );
    return rows.map((r) => ({ poolId: r.pool_id, customerId: r.customer_id }));
  }

  /** Per pool and host: memory held (MiB x ms) in the window, to attribute a pool's charges to the hosts its servers ran on. */
  async hostShares(start: number, end: number): Promise<PoolHostShare[]> {
    const rows: { pool_id: string; host_id: string; memory_mib_ms: string; covered_ms: string }[] = await this.db.query(
      `SELECT pool_id, host_id, sum(memory_mib_ms)::text AS memory_mib_ms, sum(covered_ms)::text AS covered_ms
         FROM ${this.table(start, end)} WHERE bucket_start >= $1 AND bucket_start < $2 GROUP BY pool_id, host_id`,
      [new Date(start), new Date(end)],
    );
    return rows.map((r) => ({ poolId: r.pool_id, hostId: r.host_id, memoryMibMs: BigInt(r.memory_mib_ms), coveredMs: BigInt(r.covered_ms) }));
  }

  /** Hourly rows when the window is hour-aligned, else 5-minute rows (5-minute alignment is what the rollups guarantee). */
  private table(start: number, end: number): string {
    if (start % 3_600_000 === 0 && end % 3_600_000 === 0) return 'usage_1h';
    if (start % 300_000 === 0 && end % 300_000 === 0) return 'usage_5m';
    throw new RangeError(`a billing window must start and end on 5-minute boundaries (${new Date(start).toISOString()} - ${new Date(end).toISOString()})`);
  }
}

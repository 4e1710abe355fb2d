import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** One metering span of one server: counters over [from, to). */
export interface ServerIoSpan {
  serverId: string;
  customerId: string;
  from: number;
  to: number;
  readRequests: number;
  writeRequests: number;
  readBytes: number;
  writeBytes: number;
  ooRequests: number;
  readTicksMs: number;
  writeTicksMs: number;
}

/** The host's physical disks over [from, to): busy time summed over the disks and of the busiest one. */
export interface HostDiskSpan {
  from: number;
  to: number;
  diskCount: number;
  busyMs: number;
  busiestDiskBusyMs: number;
}

/**
 * Metering's per-interval disk figures for the IO impact report (libs/io-fairness): raw
 * usage spans and the hosts' disk busy time per interval, and 5-minute rollups for a
 * learned capacity baseline. The graph readers aggregate these away; this read keeps them.
 */
@Injectable()
export class IoSamplesReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async serverSpans(hostId: string, from: number, to: number): Promise<ServerIoSpan[]> {
    const rows: Record<string, string | Date>[] = await this.db.query(
      `SELECT server_id, customer_id, interval_start, interval_end, read_requests::text, write_requests::text, read_bytes::text, write_bytes::text,
              oo_requests::text, read_ticks_ms::text, write_ticks_ms::text
         FROM usage_samples WHERE host_id = $1 AND interval_start < $3 AND interval_end > $2`,
      [hostId, new Date(from), new Date(to)],
    );
    return rows.map((r) => ({
      serverId: r.server_id as string,
      customerId: r.customer_id as string,
      from: new Date(r.interval_start as Date).getTime(),
      to: new Date(r.interval_end as Date).getTime(),
      readRequests: Number(r.read_requests),
      writeRequests: Number(r.write_requests),
      readBytes: Number(r.read_bytes),
      writeBytes: Number(r.write_bytes),
      ooRequests: Number(r.oo_requests),
      readTicksMs: Number(r.read_ticks_ms),
      writeTicksMs: Number(r.write_ticks_ms),
    }));
  }

  async diskSpans(hostId: string, from: number, to: number): Promise<HostDiskSpan[]> {
    const rows: { interval_start: Date; interval_end: Date; disk_count: number; busy_ms: string; busiest_disk_busy_ms: string }[] = await this.db.query(
      `SELECT interval_start, interval_end, disk_count, busy_ms::text, busiest_disk_busy_ms::text
         FROM host_disk_samples WHERE host_id = $1 AND interval_start < $3 AND interval_end > $2`,
      [hostId, new Date(from), new Date(to)],
    );
    return rows.map((r) => ({
      from: new Date(r.interval_start).getTime(),
      to: new Date(r.interval_end).getTime(),
      diskCount: r.disk_count,
      busyMs: Number(r.busy_ms),
      busiestDiskBusyMs: Number(r.busiest_disk_busy_ms),
    }));
  }

  /** Hosts where the customer's servers have usage in the window. */
  async hostsOfCustomer(customerId: string, from: number, to: number): Promise<string[]> {
    const rows: { host_id: string }[] = await this.db.query(
      `SELECT DISTINCT host_id FROM usage_samples WHERE customer_id = $1 AND interval_start < $3 AND interval_end > $2`,
      [customerId, new Date(from), new Date(to)],
    );
    return rows.map((r) => r.host_id).sort();
  }

  /**
   * A percentile of the host's total IOPS and bytes/s per 5 minutes over [from, to) (each
   * server's rate over the time it was read, summed), and how many buckets it rests on.
   */
  async learnedCapacity(hostId: string, from: number, to: number, percentile: number): Promise<{ iops: number | null; bytesPerSecond: number | null; buckets: number }> {
    const [row]: { iops: number | null; bps: number | null; buckets: number }[] = await this.db.query(
      `WITH per_bucket AS (
         SELECT bucket_start, sum((read_requests + write_requests)::float8 * 1000 / covered_ms) AS iops, sum((read_bytes + write_bytes)::float8 * 1000 / covered_ms) AS bps
           FROM usage_5m WHERE host_id = $1 AND bucket_start >= $2 AND bucket_start < $3 AND covered_ms > 0
          GROUP BY bucket_start)
       SELECT percentile_cont($4::float8) WITHIN GROUP (ORDER BY iops) AS iops, percentile_cont($4::float8) WITHIN GROUP (ORDER BY bps) AS bps, count(*)::int AS buckets FROM per_bucket`,
      [hostId, new Date(from), new Date(to), percentile / 100],
    );
    return { iops: row?.iops ?? null, bytesPerSecond: row?.bps ?? null, buckets: row?.buckets ?? 0 };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { USAGE_COUNTERS, UsageCounter } from '../usage';
import { COUNTER_COLUMN_LIST } from '../storage/usage-columns';
import { addCount, Count, parseCount } from './exact-count';
import { binSpan, ServerBucket } from './raw-binning';
import type { UsageWindow } from './usage-window';

export type UsageSubject = { kind: 'server' | 'pool' | 'host'; id: string };

/** One bucket, summed over the subject's servers; rates are per server first, then summed (a pool's CPU is its servers' CPU added up). */
export interface UsageBucket {
  start: number;
  /** Exact: numbers while they fit, bigints past 2^53. */
  totals: Record<UsageCounter, Count>;
  cpuPercent: number;
  readIops: number;
  writeIops: number;
  readBytesPerSecond: number;
  writeBytesPerSecond: number;
  netInBitsPerSecond: number;
  netOutBitsPerSecond: number;
  memoryMiB: number;
  estimated: boolean;
}

const SUBJECT_COLUMN: Record<UsageSubject['kind'], string> = { server: 'server_id', pool: 'pool_id', host: 'host_id' };

const [CPU, READ_REQUESTS, WRITE_REQUESTS, READ_BYTES, WRITE_BYTES, NET_OUT, NET_IN] = (['cpuMs', 'readRequests', 'writeRequests', 'readBytes', 'writeBytes', 'netOutBytes', 'netInBytes'] as const).map((c) =>
  USAGE_COUNTERS.indexOf(c),
) as [number, number, number, number, number, number, number];

/** Epoch milliseconds of a timestamptz column, as text: cheaper to read than a Date per row. */
const epochMs = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::bigint::text`;

function emptyTotals(): Record<UsageCounter, Count> {
  return Object.fromEntries(USAGE_COUNTERS.map((c) => [c, 0])) as Record<UsageCounter, Count>;
}

/**
 * Reads usage for graphs and totals: rollups for 5-minute and coarser points, raw spans
 * (cut at the step, apportioned exactly) for one-minute points. Buckets without any
 * reading are absent: the caller shows them as gaps, never as zeros.
 */
@Injectable()
export class UsageQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async buckets(subject: UsageSubject, window: UsageWindow): Promise<UsageBucket[]> {
    const perServer = window.source === 'raw' ? await this.rawBuckets(subject, window) : await this.rollupBuckets(subject, window);
    const byStart = new Map<number, UsageBucket>();
    for (const sb of perServer) {
      if (sb.coveredMs <= 0) continue;
      let bucket = byStart.get(sb.start);
      if (!bucket) {
        bucket = { start: sb.start, totals: emptyTotals(), cpuPercent: 0, readIops: 0, writeIops: 0, readBytesPerSecond: 0, writeBytesPerSecond: 0, netInBitsPerSecond: 0, netOutBitsPerSecond: 0, memoryMiB: 0, estimated: false };
        byStart.set(sb.start, bucket);
      }
      const seconds = sb.coveredMs / 1000;
      const c = sb.counters;
      for (let i = 0; i < USAGE_COUNTERS.length; i += 1) {
        const counter = USAGE_COUNTERS[i]!;
        bucket.totals[counter] = addCount(bucket.totals[counter], c[i]!);
      }
      bucket.cpuPercent += (Number(c[CPU]) / sb.coveredMs) * 100;
      bucket.readIops += Number(c[READ_REQUESTS]) / seconds;
      bucket.writeIops += Number(c[WRITE_REQUESTS]) / seconds;
      bucket.readBytesPerSecond += Number(c[READ_BYTES]) / seconds;
      bucket.writeBytesPerSecond += Number(c[WRITE_BYTES]) / seconds;
      bucket.netInBitsPerSecond += (Number(c[NET_IN]) * 8) / seconds;
      bucket.netOutBitsPerSecond += (Number(c[NET_OUT]) * 8) / seconds;
      bucket.memoryMiB += sb.memoryMibMs / sb.coveredMs;
      bucket.estimated ||= sb.estimatedMs * 2 > sb.coveredMs;
    }
    return [...byStart.values()].sort((a, b) => a.start - b.start);
  }

  private async rollupBuckets(subject: UsageSubject, window: UsageWindow): Promise<ServerBucket[]> {
    const rows: Record<string, string>[] = await this.db.query(
      `SELECT ${epochMs('bucket_start')} AS start_ms, ${COUNTER_COLUMN_LIST.map((c) => `sum(${c})::text AS ${c}`).join(', ')},
              sum(covered_ms)::text AS covered_ms, sum(estimated_ms)::text AS estimated_ms, sum(memory_mib_ms)::text AS memory_mib_ms
         FROM ${window.source} WHERE ${SUBJECT_COLUMN[subject.kind]} = $1 AND bucket_start >= $2 AND bucket_start < $3
        GROUP BY bucket_start, server_id`,
      [subject.id, new Date(window.from), new Date(window.to)],
    );
    return rows.map((r) => ({
      start: Number(r.start_ms),
      counters: COUNTER_COLUMN_LIST.map((c) => parseCount(r[c]!)),
      coveredMs: Number(r.covered_ms),
      estimatedMs: Number(r.estimated_ms),
      memoryMibMs: Number(r.memory_mib_ms),
    }));
  }

  private async rawBuckets(subject: UsageSubject, window: UsageWindow): Promise<ServerBucket[]> {
    const rows: Record<string, string | number>[] = await this.db.query(
      `SELECT server_id, ${epochMs('interval_start')} AS from_ms, ${epochMs('interval_end')} AS to_ms, kind, memory_mib, ${COUNTER_COLUMN_LIST.map((c) => `${c}::text AS ${c}`).join(', ')}
         FROM usage_samples WHERE ${SUBJECT_COLUMN[subject.kind]} = $1 AND interval_start < $3 AND interval_end > $2`,
      [subject.id, new Date(window.from), new Date(window.to)],
    );
    const byServer = new Map<string, (ServerBucket | undefined)[]>();
    for (const r of rows) {
      const serverId = r.server_id as string;
      let buckets = byServer.get(serverId);
      if (!buckets) byServer.set(serverId, (buckets = []));
      const counters = COUNTER_COLUMN_LIST.map((c) => Number(r[c]));
      // Raw spans are checked at ingest (each counter a safe integer); the apportioning relies on it.
      if (!counters.every(Number.isSafeInteger)) throw new Error(`usage span of server ${serverId} at ${String(r.from_ms)} has a counter past 2^53`);
      binSpan(buckets, { from: Number(r.from_ms), to: Number(r.to_ms), gap: r.kind === 'gap', memoryMiB: Number(r.memory_mib), counters }, window.from, window.to, window.stepMs);
    }
    const result: ServerBucket[] = [];
    for (const buckets of byServer.values()) for (const b of buckets) if (b) result.push(b);
    return result;
  }
}

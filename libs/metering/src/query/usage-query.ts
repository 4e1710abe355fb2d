import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { splitAtBuckets, USAGE_COUNTERS, UsageCounter, UsageSpan } from '../usage';
import { COUNTER_COLUMN_LIST, COUNTER_COLUMNS } from '../storage/usage-columns';
import type { UsageWindow } from './usage-window';

export type UsageSubject = { kind: 'server' | 'pool' | 'host'; id: string };

/** One bucket, summed over the subject's servers; rates are per server first, then summed (a pool's CPU is its servers' CPU added up). */
export interface UsageBucket {
  start: number;
  totals: Record<UsageCounter, bigint>;
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

interface ServerBucket {
  start: number;
  counters: Record<UsageCounter, bigint>;
  coveredMs: number;
  estimatedMs: number;
  memoryMibMs: number;
}

function emptyCounters(): Record<UsageCounter, bigint> {
  return Object.fromEntries(USAGE_COUNTERS.map((c) => [c, 0n])) as Record<UsageCounter, bigint>;
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
        bucket = { start: sb.start, totals: emptyCounters(), cpuPercent: 0, readIops: 0, writeIops: 0, readBytesPerSecond: 0, writeBytesPerSecond: 0, netInBitsPerSecond: 0, netOutBitsPerSecond: 0, memoryMiB: 0, estimated: false };
        byStart.set(sb.start, bucket);
      }
      const seconds = sb.coveredMs / 1000;
      const c = sb.counters;
      for (const counter of USAGE_COUNTERS) bucket.totals[counter] += c[counter];
      bucket.cpuPercent += (Number(c.cpuMs) / sb.coveredMs) * 100;
      bucket.readIops += Number(c.readRequests) / seconds;
      bucket.writeIops += Number(c.writeRequests) / seconds;
      bucket.readBytesPerSecond += Number(c.readBytes) / seconds;
      bucket.writeBytesPerSecond += Number(c.writeBytes) / seconds;
      bucket.netInBitsPerSecond += (Number(c.netInBytes) * 8) / seconds;
      bucket.netOutBitsPerSecond += (Number(c.netOutBytes) * 8) / seconds;
      bucket.memoryMiB += sb.memoryMibMs / sb.coveredMs;
      bucket.estimated ||= sb.estimatedMs * 2 > sb.coveredMs;
    }
    return [...byStart.values()].sort((a, b) => a.start - b.start);
  }

  private async rollupBuckets(subject: UsageSubject, window: UsageWindow): Promise<ServerBucket[]> {
    const rows: Record<string, string | Date>[] = await this.db.query(
      `SELECT bucket_start, server_id, ${COUNTER_COLUMN_LIST.map((c) => `sum(${c})::text AS ${c}`).join(', ')},
              sum(covered_ms)::text AS covered_ms, sum(estimated_ms)::text AS estimated_ms, sum(memory_mib_ms)::text AS memory_mib_ms
         FROM ${window.source} WHERE ${SUBJECT_COLUMN[subject.kind]} = $1 AND bucket_start >= $2 AND bucket_start < $3
        GROUP BY bucket_start, server_id`,
      [subject.id, new Date(window.from), new Date(window.to)],
    );
    return rows.map((r) => ({
      start: new Date(r.bucket_start as Date).getTime(),
      counters: Object.fromEntries(USAGE_COUNTERS.map((c) => [c, BigInt(r[COUNTER_COLUMNS[c]] as string)])) as Record<UsageCounter, bigint>,
      coveredMs: Number(r.covered_ms),
      estimatedMs: Number(r.estimated_ms),
      memoryMibMs: Number(r.memory_mib_ms),
    }));
  }

  private async rawBuckets(subject: UsageSubject, window: UsageWindow): Promise<ServerBucket[]> {
    const rows: Record<string, string | Date | number>[] = await this.db.query(
      `SELECT server_id, interval_start, interval_end, kind, memory_mib, ${COUNTER_COLUMN_LIST.map((c) => `${c}::text AS ${c}`).join(', ')}
         FROM usage_samples WHERE ${SUBJECT_COLUMN[subject.kind]} = $1 AND interval_start < $3 AND interval_end > $2`,
      [subject.id, new Date(window.from), new Date(window.to)],
    );
    const buckets = new Map<string, ServerBucket>();
    for (const r of rows) {
      const span: UsageSpan = {
        from: new Date(r.interval_start as Date).getTime(),
        to: new Date(r.interval_end as Date).getTime(),
        kind: r.kind as UsageSpan['kind'],
        memoryMiB: Number(r.memory_mib),
        usage: Object.fromEntries(USAGE_COUNTERS.map((c) => [c, Number(r[COUNTER_COLUMNS[c]])])) as UsageSpan['usage'],
      };
      for (const piece of splitAtBuckets(span, window.stepMs)) {
        if (piece.from < window.from || piece.from >= window.to) continue;
        const start = Math.floor(piece.from / window.stepMs) * window.stepMs;
        const key = `${String(r.server_id)}|${start}`;
        let b = buckets.get(key);
        if (!b) {
          b = { start, counters: emptyCounters(), coveredMs: 0, estimatedMs: 0, memoryMibMs: 0 };
          buckets.set(key, b);
        }
        const duration = piece.to - piece.from;
        for (const c of USAGE_COUNTERS) b.counters[c] += BigInt(piece.usage[c]);
        b.coveredMs += duration;
        if (piece.kind === 'gap') b.estimatedMs += duration;
        b.memoryMibMs += piece.memoryMiB * duration;
      }
    }
    return [...buckets.values()];
  }
}

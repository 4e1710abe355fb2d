/**
 * The measured requests: GET /v1/servers/:id/usage over real HTTP (the API listening on
 * loopback), with the SQL statement the repository ran for it captured on the API's
 * DataSource, so the bare-SQL timing replays exactly that statement (text and parameters)
 * through a plain pg connection right after. HTTP and bare SQL alternate, request by
 * request, so a busy moment on the machine falls on both alike.
 */
import { Client } from 'pg';
import type { DataSource } from 'typeorm';

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

const USAGE_READ = /\bFROM (usage_samples|usage_5m|usage_1h|usage_1d)\b/;

/** Records the last usage read the API's DataSource ran (the repository's own statement). */
export class QueryCapture {
  last: CapturedQuery | undefined;

  constructor(db: DataSource) {
    const original = db.query.bind(db);
    db.query = (async (sql: string, params?: unknown[], runner?: Parameters<DataSource['query']>[2]) => {
      if (USAGE_READ.test(sql)) this.last = { sql, params: params ?? [] };
      return original(sql, params, runner);
    }) as DataSource['query'];
  }

  take(): CapturedQuery {
    const last = this.last;
    if (!last) throw new Error('the request ran no usage query');
    this.last = undefined;
    return last;
  }
}

export interface GraphResponse {
  source: string;
  stepSeconds: number;
  points: number;
  filled: number;
}

export async function timeRequest(baseUrl: string, path: string, token: string): Promise<{ ms: number; response: GraphResponse }> {
  const started = process.hrtime.bigint();
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { source: string; stepSeconds: number; timestamps: string[]; series: { cpuPercent: (number | null)[] } };
  return { ms, response: { source: body.source, stepSeconds: body.stepSeconds, points: body.timestamps.length, filled: body.series.cpuPercent.filter((v) => v !== null).length } };
}

export async function timeSql(client: Client, sql: string, params: readonly unknown[]): Promise<{ ms: number; rows: number }> {
  const started = process.hrtime.bigint();
  const result = await client.query(sql, [...params]);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, rows: result.rows.length };
}

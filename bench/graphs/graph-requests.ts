/**
 * The measured requests: GET /v1/servers/:id/usage over real HTTP (the API listening on
 * loopback), with the SQL statement the repository ran for it captured where TypeORM
 * runs it, so the bare-SQL timing replays exactly that statement (text and parameters)
 * through a plain pg connection right after. HTTP and bare SQL alternate, request by
 * request, so a busy moment on the machine falls on both alike.
 */
import { Client } from 'pg';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

const USAGE_READ = /\bFROM (usage_samples|usage_5m|usage_1h|usage_1d)\b/;

/** What the API's statements cost for one request: the usage read, and everything else (token, user, server lookups). */
export interface RequestStatements {
  usageMs: number;
  otherCount: number;
  otherMs: number;
}

/**
 * Watches every statement the API process runs through TypeORM (repositories and
 * DataSource.query alike): records the last usage read, the repository's own statement,
 * and how long each request's statements took, for the breakdown of where a request's
 * time goes. Installed on the prototype, so only in this bench's process.
 */
export class QueryCapture {
  last: CapturedQuery | undefined;
  private current: RequestStatements = { usageMs: 0, otherCount: 0, otherMs: 0 };

  constructor() {
    const original = PostgresQueryRunner.prototype.query;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the patched method needs both its runner (this) and the capture
    const capture = this;
    PostgresQueryRunner.prototype.query = async function (this: PostgresQueryRunner, ...args: Parameters<typeof original>) {
      const started = process.hrtime.bigint();
      try {
        return await original.apply(this, args);
      } finally {
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        const [sql, params] = args;
        if (USAGE_READ.test(sql)) {
          capture.last = { sql, params: Array.isArray(params) ? params : [] };
          capture.current.usageMs += elapsed;
        } else {
          capture.current.otherCount += 1;
          capture.current.otherMs += elapsed;
        }
      }
    } as typeof original;
  }

  /** The request's usage statement and statement times; starts afresh for the next request. */
  take(): { query: CapturedQuery; statements: RequestStatements } {
    const last = this.last;
    if (!last) throw new Error('the request ran no usage query');
    const statements = this.current;
    this.last = undefined;
    this.current = { usageMs: 0, otherCount: 0, otherMs: 0 };
    return { query: last, statements };
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

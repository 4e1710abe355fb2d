/**
 * Where an invoice run's time goes: every statement carve sends through TypeORM's
 * PostgreSQL query runner (DataSource.query, EntityManager.query in transactions, BEGIN and
 * COMMIT included) timed from the call to its answer, grouped by the statement's text with
 * its values left out. Bench-only: it wraps the runner's prototype while `recording`.
 */
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

export interface StatementStats {
  statement: string;
  calls: number;
  totalMs: number;
  maxMs: number;
}

export class QueryProfile {
  private readonly stats = new Map<string, StatementStats>();
  private original: PostgresQueryRunner['query'] | undefined;

  start(): void {
    if (this.original) return;
    const original = PostgresQueryRunner.prototype.query;
    this.original = original;
    const stats = this.stats;
    PostgresQueryRunner.prototype.query = async function (this: PostgresQueryRunner, ...args: Parameters<PostgresQueryRunner['query']>) {
      const started = process.hrtime.bigint();
      try {
        return await original.apply(this, args);
      } finally {
        const key = shape(String(args[0]));
        const entry = stats.get(key) ?? { statement: key, calls: 0, totalMs: 0, maxMs: 0 };
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        entry.calls += 1;
        entry.totalMs += ms;
        entry.maxMs = Math.max(entry.maxMs, ms);
        stats.set(key, entry);
      }
    } as PostgresQueryRunner['query'];
  }

  stop(): void {
    if (this.original) PostgresQueryRunner.prototype.query = this.original;
    this.original = undefined;
  }

  /** Heaviest first. */
  statements(): StatementStats[] {
    return [...this.stats.values()].sort((a, b) => b.totalMs - a.totalMs);
  }
}

/** One line of a statement's text, short enough for a table: what it reads or writes and how it filters. */
function shape(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  const from = /\bFROM (\w+)/i.exec(flat)?.[1];
  const where = /\bWHERE (.{0,70})/i.exec(flat)?.[1];
  if (/^(START TRANSACTION|COMMIT|ROLLBACK|LOCK |SELECT pg_advisory)/i.test(flat)) return flat.slice(0, 60);
  const head = /^(INSERT INTO \w+|UPDATE \w+|DELETE FROM \w+)/i.exec(flat)?.[1];
  if (head) return `${head}${where ? ` WHERE ${where}` : ''}`.slice(0, 110);
  return `SELECT .. FROM ${from ?? '?'}${where ? ` WHERE ${where}` : ''}`.slice(0, 110);
}

/**
 * The baseline: PostgreSQL's COPY ... FROM STDIN (text format) of the same rows the ingest
 * path wrote to usage_samples, one COPY per collection interval, into the same (emptied)
 * table. pg-copy-streams is not a dependency, so the COPY sub-protocol is driven through
 * pg's own submittable hook: CopyInResponse -> CopyData chunks -> CopyDone, as that
 * package does. The rows are rendered to COPY text before the clock starts: what is timed
 * is the wire and the server, the cheapest way rows get into the table.
 */
import { Client } from 'pg';
import { INTERVAL_MS } from './ingest-rounds';

export const COPY_COLUMNS =
  'server_id, host_id, customer_id, pool_id, interval_start, interval_end, kind, cpu_ms, read_requests, write_requests, read_bytes, write_bytes, oo_requests, net_out_bytes, net_in_bytes, read_ticks_ms, write_ticks_ms, queue_ticks_ms, memory_mib';
const CHUNK_BYTES = 64 * 1024;

/** What of pg's (untyped) wire connection the COPY sub-protocol uses. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** A pg submittable for `COPY ... FROM STDIN` whose data is `chunks`. */
class CopyFromStdin {
  rowCount = 0;
  private resolve!: (rows: number) => void;
  private reject!: (error: Error) => void;
  private failed: Error | undefined;
  readonly done: Promise<number>;

  constructor(
    private readonly text: string,
    private readonly chunks: readonly Buffer[],
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (const chunk of this.chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text: string }): void {
    const m = /^COPY (\d+)$/.exec(message.text);
    this.rowCount = m ? Number(m[1]) : 0;
  }

  handleError(error: Error): void {
    this.failed = error;
  }

  handleReadyForQuery(): void {
    if (this.failed) this.reject(this.failed);
    else this.resolve(this.rowCount);
  }

  // Not part of COPY FROM; pg calls them only for other statements.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs COPY `table` (`columns`) FROM STDIN with the given text-format lines; returns rows copied. */
export async function copyFromStdin(client: Client, table: string, columns: string, lines: readonly string[]): Promise<number> {
  const chunks: Buffer[] = [];
  let pending: string[] = [];
  let size = 0;
  for (const line of lines) {
    pending.push(line);
    size += line.length + 1;
    if (size >= CHUNK_BYTES) {
      chunks.push(Buffer.from(`${pending.join('\n')}\n`));
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) chunks.push(Buffer.from(`${pending.join('\n')}\n`));
  const copy = new CopyFromStdin(`COPY ${table} (${columns}) FROM STDIN`, chunks);
  // pg accepts any object with submit() as a query; its typings know only its own Submittable shape.
  client.query(copy as unknown as Parameters<Client['query']>[0]);
  return copy.done;
}

/**
 * The rows the measured intervals wrote (1 and later: interval 0 is the first readings,
 * unmeasured), as COPY text lines grouped by the collection interval they came from
 * (interval i of the rounds started at `startMs` ends within its first seconds).
 */
export async function readIngestedRows(client: Client, startMs: number): Promise<string[][]> {
  const columns = COPY_COLUMNS.split(', ');
  const { rows } = await client.query<{ round: number; line: string }>(
    `SELECT floor((extract(epoch FROM interval_end) * 1000 - $1) / ${INTERVAL_MS})::int AS round,
            concat_ws(E'\\t', ${columns.map((c) => `${c}::text`).join(', ')}) AS line
       FROM usage_samples WHERE interval_end >= $2 ORDER BY interval_start, server_id`,
    [startMs, new Date(startMs + INTERVAL_MS)],
  );
  const rounds = new Map<number, string[]>();
  for (const r of rows) {
    let lines = rounds.get(r.round);
    if (!lines) rounds.set(r.round, (lines = []));
    lines.push(r.line);
  }
  return [...rounds.entries()].sort(([a], [b]) => a - b).map(([, lines]) => lines);
}

export interface CopyTotals {
  wallMs: number;
  rows: number;
}

/** Empties usage_samples (every partition stays) and COPYs the rounds back in, one COPY per interval, each its own transaction as the ingest commits its own. */
export async function copyRounds(databaseUrl: string, rounds: readonly string[][], measured: <T>(name: string, run: () => Promise<T>) => Promise<T>): Promise<CopyTotals> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('TRUNCATE usage_samples');
    await client.query('CHECKPOINT');
    return await measured('COPY baseline', async () => {
      let rows = 0;
      const started = process.hrtime.bigint();
      for (const lines of rounds) rows += await copyFromStdin(client, 'usage_samples', COPY_COLUMNS, lines);
      return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, rows };
    });
  } finally {
    await client.end();
  }
}

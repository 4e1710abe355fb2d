/**
 * Blocks of the usage rollups (heap and indexes of the usage_1h partitions) a phase touched,
 * from PostgreSQL's table I/O statistics (shared-buffer hits plus reads): shows whether a
 * reader went through the month's rows once or many times.
 */
import { Client } from 'pg';

export interface Blocks {
  heap: number;
  index: number;
}

export async function usageBlocks(url: string): Promise<Blocks> {
  // Backends flush their table statistics about once a second when idle: wait past that.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT coalesce(sum(heap_blks_read + heap_blks_hit), 0)::bigint::text AS heap, coalesce(sum(idx_blks_read + idx_blks_hit), 0)::bigint::text AS index
         FROM pg_statio_all_tables WHERE relname LIKE 'usage\\_1h\\_p%'`,
    );
    const [row] = rows as { heap: string; index: string }[];
    return { heap: Number(row!.heap), index: Number(row!.index) };
  } finally {
    await client.end();
  }
}

export const blocksBetween = (before: Blocks, after: Blocks): Blocks => ({ heap: after.heap - before.heap, index: after.index - before.index });

export interface TableScans {
  table: string;
  seqScans: number;
  seqRowsRead: number;
  indexScans: number;
}

/** Sequential and index scans of the invoice tables since the database was created (they start empty: all of it is the run's). */
export async function invoiceTableScans(url: string): Promise<TableScans[]> {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT relname, seq_scan::text, seq_tup_read::text, coalesce(idx_scan, 0)::text AS idx_scan FROM pg_stat_user_tables
        WHERE relname IN ('invoices', 'invoice_lines', 'billing_sequences', 'invoice_runs') ORDER BY relname`,
    );
    return (rows as { relname: string; seq_scan: string; seq_tup_read: string; idx_scan: string }[]).map((r) => ({
      table: r.relname,
      seqScans: Number(r.seq_scan),
      seqRowsRead: Number(r.seq_tup_read),
      indexScans: Number(r.idx_scan),
    }));
  } finally {
    await client.end();
  }
}

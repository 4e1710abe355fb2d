import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CarveConfig } from '@carve/config';
import { DataSource } from 'typeorm';

type Period = 'day' | 'month';

/** The partitioned metering tables, the unit each partition covers, and how long rows are kept. */
interface PartitionedTable {
  table: string;
  period: Period;
  keepMs: (config: CarveConfig) => number;
  /**
   * Whether rows past retention are still written (into a partition the next retention pass
   * drops). Usage spans and rollups are not: a seed reaching months back would fill partitions
   * only to have them dropped (most of the cost of writing a year of history), and a worker's
   * retention pass may drop such a partition between its creation and the insert. Host disk
   * samples come only from live readings.
   */
  writtenPastRetention: boolean;
}

const DAY_MS = 86_400_000;
const TABLES: PartitionedTable[] = [
  { table: 'usage_samples', period: 'day', keepMs: (c) => c.meteringRetention.rawHours * 3_600_000, writtenPastRetention: false },
  { table: 'host_disk_samples', period: 'day', keepMs: (c) => c.meteringRetention.rawHours * 3_600_000, writtenPastRetention: true },
  { table: 'usage_5m', period: 'day', keepMs: (c) => c.meteringRetention.fiveMinuteDays * DAY_MS, writtenPastRetention: false },
  { table: 'usage_1h', period: 'month', keepMs: (c) => c.meteringRetention.hourlyMonths * 31 * DAY_MS, writtenPastRetention: false },
];

function startOf(period: Period, at: Date): Date {
  return period === 'day' ? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate())) : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

function nextOf(period: Period, start: Date): Date {
  return period === 'day' ? new Date(start.getTime() + DAY_MS) : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

function suffix(period: Period, start: Date): string {
  const iso = start.toISOString();
  return period === 'day' ? iso.slice(0, 10).replace(/-/g, '') : iso.slice(0, 7).replace('-', '');
}

function startFromSuffix(period: Period, text: string): Date | undefined {
  const m = (period === 'day' ? /^(\d{4})(\d{2})(\d{2})$/ : /^(\d{4})(\d{2})$/).exec(text);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1)) : undefined;
}

/**
 * Creates partitions before rows need them and drops whole partitions past retention
 * (no DELETE scans). Ingest asks for the partitions of the instants it is about to write
 * (a replay or a seed may write into the past); the worker also keeps two days ahead.
 * Partition bounds are UTC days and months.
 */
@Injectable()
export class MeteringPartitions {
  private readonly logger = new Logger('metering');
  private readonly known = new Set<string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {}

  /**
   * Every partition that rows in [from, to] would land in, for every partitioned metering
   * table; given `now`, not the rollup partitions that retention drops already (see keptFrom).
   */
  async ensure(from: Date, to: Date, now?: Date): Promise<void> {
    for (const t of TABLES) {
      const { table, period } = t;
      const first = now && !t.writtenPastRetention ? new Date(Math.max(from.getTime(), this.firstKept(t, now))) : from;
      for (let start = startOf(period, first); start <= to; start = nextOf(period, start)) {
        const name = `${table}_p${suffix(period, start)}`;
        if (this.known.has(name)) continue;
        // Concurrent creators (two workers, a seed) race harmlessly: the loser's IF NOT EXISTS is a no-op,
        // and a duplicate-object error from the catalog race is the same outcome.
        await this.db
          .query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES FROM ('${start.toISOString()}') TO ('${nextOf(period, start).toISOString()}')`)
          .catch((error: { code?: string }) => {
            if (error.code !== '42P07' && error.code !== '23505') throw error;
          });
        this.known.add(name);
      }
    }
  }

  /**
   * The first instant whose rows a table still keeps at `now` (the start of the oldest
   * partition the retention pass leaves); -Infinity for tables kept for ever (daily rollups).
   */
  keptFrom(table: string, now: Date): number {
    const t = TABLES.find((candidate) => candidate.table === table);
    return t ? this.firstKept(t, now) : Number.NEGATIVE_INFINITY;
  }

  private firstKept(t: PartitionedTable, now: Date): number {
    // dropExpired drops a partition when its end is at or before the cutoff, so the one holding the cutoff stays.
    return startOf(t.period, new Date(now.getTime() - t.keepMs(this.config))).getTime();
  }

  /** Drops partitions that end before the retention of their table; returns their names. */
  async dropExpired(now: Date): Promise<string[]> {
    const dropped: string[] = [];
    for (const t of TABLES) {
      const cutoff = now.getTime() - t.keepMs(this.config);
      const partitions: { name: string }[] = await this.db.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1`,
        [t.table],
      );
      for (const partition of partitions) {
        // The name carries the partition's start (UTC), independent of the session's time zone.
        const start = startFromSuffix(t.period, partition.name.slice(`${t.table}_p`.length));
        if (!start || nextOf(t.period, start).getTime() > cutoff) continue;
        await this.db.query(`DROP TABLE IF EXISTS ${partition.name}`);
        this.known.delete(partition.name);
        dropped.push(partition.name);
      }
    }
    if (dropped.length > 0) this.logger.log(`dropped metering partitions past retention: ${dropped.join(', ')}`);
    return dropped;
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

const COUNTERS = `
  cpu_ms bigint NOT NULL,
  read_requests bigint NOT NULL,
  write_requests bigint NOT NULL,
  read_bytes bigint NOT NULL,
  write_bytes bigint NOT NULL,
  oo_requests bigint NOT NULL,
  net_out_bytes bigint NOT NULL,
  net_in_bytes bigint NOT NULL,
  read_ticks_ms bigint NOT NULL,
  write_ticks_ms bigint NOT NULL,
  queue_ticks_ms bigint NOT NULL`;

/** A rollup bucket: counters summed, plus how much of the bucket readings covered (rates divide by it, never by the bucket length). */
function rollup(table: string, partitioned: boolean): string {
  return `CREATE TABLE ${table} (
    server_id uuid NOT NULL,
    host_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    pool_id uuid NOT NULL,
    bucket_start timestamptz NOT NULL,
    ${COUNTERS},
    covered_ms bigint NOT NULL,
    estimated_ms bigint NOT NULL,
    memory_mib_ms bigint NOT NULL,
    PRIMARY KEY (server_id, bucket_start, host_id)
  )${partitioned ? ' PARTITION BY RANGE (bucket_start)' : ''}`;
}

/**
 * Metering (libs/metering owns these tables). Raw usage spans per server, partitioned by
 * day so retention drops whole partitions; rollups at 5 minutes (daily partitions), 1 hour
 * (monthly partitions) and 1 day; the per-server and per-host reading cursors that make
 * deltas survive a restart; losses (restarts between readings) and host disk busy time.
 * Partitions are created ahead by the metering partition service, not here.
 */
export class Metering1764080000000 implements MigrationInterface {
  name = 'Metering1764080000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE usage_samples (
      server_id uuid NOT NULL,
      host_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      pool_id uuid NOT NULL,
      interval_start timestamptz NOT NULL,
      interval_end timestamptz NOT NULL,
      kind text NOT NULL CHECK (kind IN ('measured', 'gap')),
      ${COUNTERS},
      memory_mib integer NOT NULL,
      PRIMARY KEY (server_id, interval_start),
      CHECK (interval_end > interval_start)
    ) PARTITION BY RANGE (interval_start)`);
    await q.query(rollup('usage_5m', true));
    await q.query(rollup('usage_1h', true));
    await q.query(rollup('usage_1d', false));
    for (const table of ['usage_5m', 'usage_1h', 'usage_1d']) {
      await q.query(`CREATE INDEX ${table}_pool ON ${table} (pool_id, bucket_start)`);
      await q.query(`CREATE INDEX ${table}_host ON ${table} (host_id, bucket_start)`);
    }
    await q.query(`CREATE INDEX usage_1h_customer ON usage_1h (customer_id, bucket_start)`);
    await q.query(`CREATE INDEX usage_samples_host ON usage_samples (host_id, interval_start)`);

    await q.query(`CREATE TABLE usage_losses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      server_id uuid NOT NULL,
      host_id uuid NOT NULL,
      lost_from timestamptz NOT NULL,
      lost_to timestamptz NOT NULL,
      reason text NOT NULL CHECK (reason IN ('domain-restarted', 'counter-reset')),
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (server_id, lost_from)
    )`);

    await q.query(`CREATE TABLE metering_server_cursors (
      server_id uuid PRIMARY KEY,
      host_id uuid NOT NULL,
      domid integer NOT NULL,
      read_at timestamptz NOT NULL,
      counters jsonb NOT NULL,
      memory_mib integer NOT NULL
    )`);
    await q.query(`CREATE TABLE metering_host_cursors (
      host_id uuid PRIMARY KEY,
      read_at timestamptz NOT NULL,
      disks jsonb NOT NULL,
      collected_at timestamptz NOT NULL
    )`);

    await q.query(`CREATE TABLE host_disk_samples (
      host_id uuid NOT NULL,
      interval_start timestamptz NOT NULL,
      interval_end timestamptz NOT NULL,
      kind text NOT NULL CHECK (kind IN ('measured', 'gap')),
      disk_count integer NOT NULL,
      busy_ms bigint NOT NULL,
      busiest_disk_busy_ms bigint NOT NULL,
      read_ios bigint NOT NULL,
      write_ios bigint NOT NULL,
      read_sectors bigint NOT NULL,
      write_sectors bigint NOT NULL,
      PRIMARY KEY (host_id, interval_start),
      CHECK (interval_end > interval_start)
    ) PARTITION BY RANGE (interval_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['host_disk_samples', 'metering_host_cursors', 'metering_server_cursors', 'usage_losses', 'usage_1d', 'usage_1h', 'usage_5m', 'usage_samples']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}

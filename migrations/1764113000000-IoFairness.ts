import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IO fairness (libs/io-fairness owns this table): the per-host rules of the IO impact
 * report. A host without a row uses the defaults (disks busy beyond 90%, no capacity
 * baseline); a row goes with its host.
 */
export class IoFairness1764113000000 implements MigrationInterface {
  name = 'IoFairness1764113000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE host_io_policies (
      host_id uuid PRIMARY KEY REFERENCES hosts (id) ON DELETE CASCADE,
      busy_threshold_percent integer NOT NULL CHECK (busy_threshold_percent BETWEEN 1 AND 100),
      capacity_mode text NOT NULL CHECK (capacity_mode IN ('none', 'fixed', 'learned')),
      capacity_iops integer CHECK (capacity_iops > 0),
      capacity_mbps integer CHECK (capacity_mbps > 0),
      learned_percentile integer CHECK (learned_percentile BETWEEN 50 AND 100),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (capacity_mode <> 'fixed' OR (capacity_iops IS NOT NULL OR capacity_mbps IS NOT NULL)),
      CHECK (capacity_mode <> 'learned' OR learned_percentile IS NOT NULL)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE host_io_policies`);
  }
}

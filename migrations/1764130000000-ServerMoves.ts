import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moving servers between hosts and draining hosts (libs/moves owns server_moves and
 * host_drains; the jobs column belongs to libs/jobs). A move records the two hosts, what
 * it reserved on the target and each copied volume's checksums; a drain groups the moves
 * it asked for. At most one unfinished move per server and one running drain per host.
 */
export class ServerMoves1764130000000 implements MigrationInterface {
  name = 'ServerMoves1764130000000';

  async up(q: QueryRunner): Promise<void> {
    // A job that works on two hosts (a move): its second host, whose lease it also holds.
    await q.query(`ALTER TABLE jobs ADD COLUMN target_host_id uuid REFERENCES hosts (id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX jobs_target_host_idx ON jobs (target_host_id) WHERE target_host_id IS NOT NULL`);
    await q.query(`CREATE TABLE host_drains (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      host_id uuid NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('running', 'finished')),
      previous_host_status text NOT NULL,
      requested_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      -- servers the drain could not move when it was asked, with the reason
      not_moved jsonb NOT NULL DEFAULT '[]',
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    await q.query(`CREATE UNIQUE INDEX host_drains_one_running ON host_drains (host_id) WHERE status = 'running'`);
    await q.query(`CREATE TABLE server_moves (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      server_id uuid NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
      customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
      job_id uuid REFERENCES jobs (id) ON DELETE SET NULL,
      drain_id uuid REFERENCES host_drains (id) ON DELETE SET NULL,
      source_host_id uuid NOT NULL REFERENCES hosts (id),
      target_host_id uuid NOT NULL REFERENCES hosts (id),
      status text NOT NULL CHECK (status IN ('queued', 'running', 'switched', 'succeeded', 'failed')),
      -- the server's state when the move was asked: a running server is started on the target
      was_running boolean NOT NULL,
      -- what the move holds on the target host until it succeeds (then it is the server's) or is undone
      memory_mib integer NOT NULL,
      vcpus integer NOT NULL,
      disk_gib integer NOT NULL,
      target_reserved boolean NOT NULL DEFAULT true,
      -- per volume: bytes, source/target/streamed sha256, seconds
      volumes jsonb NOT NULL DEFAULT '[]',
      error text,
      requested_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      CHECK (source_host_id <> target_host_id)
    )`);
    await q.query(`CREATE UNIQUE INDEX server_moves_one_unfinished ON server_moves (server_id) WHERE status IN ('queued', 'running', 'switched')`);
    await q.query(`CREATE INDEX server_moves_drain_idx ON server_moves (drain_id) WHERE drain_id IS NOT NULL`);
    await q.query(`CREATE INDEX server_moves_hosts_idx ON server_moves (source_host_id, target_host_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE server_moves`);
    await q.query(`DROP TABLE host_drains`);
    await q.query(`ALTER TABLE jobs DROP COLUMN target_host_id`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pools, images, servers and their disks, provisioning jobs, the audit trail and
 * reconciler findings. Allocation counters live on pools and hosts and are changed
 * only under row locks, in the transaction that creates or resizes a server.
 */
export class PoolsServersJobs1764060000000 implements MigrationInterface {
  name = 'PoolsServersJobs1764060000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE customer_pool_ceilings (
        customer_id uuid PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
        memory_mib integer NOT NULL CHECK (memory_mib >= 0),
        vcpus integer NOT NULL CHECK (vcpus >= 0),
        disk_gib integer NOT NULL CHECK (disk_gib >= 0),
        transfer_gb integer NOT NULL CHECK (transfer_gb >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE pools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
        name varchar(63) NOT NULL,
        kind varchar(16) NOT NULL CHECK (kind IN ('shared', 'dedicated')),
        host_id uuid REFERENCES hosts(id) ON DELETE RESTRICT,
        memory_mib integer NOT NULL CHECK (memory_mib >= 0),
        vcpus integer NOT NULL CHECK (vcpus >= 0),
        disk_gib integer NOT NULL CHECK (disk_gib >= 0),
        transfer_gb integer NOT NULL CHECK (transfer_gb >= 0),
        allocated_memory_mib integer NOT NULL DEFAULT 0 CHECK (allocated_memory_mib >= 0 AND allocated_memory_mib <= memory_mib),
        allocated_vcpus integer NOT NULL DEFAULT 0 CHECK (allocated_vcpus >= 0 AND allocated_vcpus <= vcpus),
        allocated_disk_gib integer NOT NULL DEFAULT 0 CHECK (allocated_disk_gib >= 0 AND allocated_disk_gib <= disk_gib),
        server_count integer NOT NULL DEFAULT 0 CHECK (server_count >= 0),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- pools are never deleted for real: their size history (and servers' records) stays for billing
        deleted_at timestamptz,
        CHECK ((kind = 'dedicated') = (host_id IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX pools_customer_name_key ON pools (customer_id, lower(name)) WHERE deleted_at IS NULL`);
    await db.query(`CREATE UNIQUE INDEX pools_dedicated_host_key ON pools (host_id) WHERE host_id IS NOT NULL AND deleted_at IS NULL`);
    await db.query(`CREATE INDEX pools_customer_idx ON pools (customer_id, created_at DESC, id DESC)`);

    // Every size a pool has had and from when: billing prorates over these.
    await db.query(`
      CREATE TABLE pool_size_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pool_id uuid NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        memory_mib integer NOT NULL,
        vcpus integer NOT NULL,
        disk_gib integer NOT NULL,
        transfer_gb integer NOT NULL,
        effective_at timestamptz NOT NULL,
        changed_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL
      )`);
    await db.query(`CREATE INDEX pool_size_changes_pool_idx ON pool_size_changes (pool_id, effective_at)`);

    await db.query(`
      CREATE TABLE images (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(63) NOT NULL,
        description varchar(200),
        archive_path varchar(255) NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- deleted images stay for the record of the servers installed from them
        deleted_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX images_name_key ON images (lower(name)) WHERE deleted_at IS NULL`);

    await db.query(`
      CREATE TABLE servers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
        pool_id uuid NOT NULL REFERENCES pools(id) ON DELETE RESTRICT,
        host_id uuid NOT NULL REFERENCES hosts(id) ON DELETE RESTRICT,
        image_id uuid NOT NULL REFERENCES images(id) ON DELETE RESTRICT,
        name varchar(40) NOT NULL,
        domain_name varchar(63) NOT NULL,
        state varchar(16) NOT NULL CHECK (state IN ('pending', 'provisioning', 'running', 'stopped', 'failed', 'deleting', 'deleted')),
        memory_mib integer NOT NULL CHECK (memory_mib > 0),
        max_memory_mib integer NOT NULL,
        vcpus integer NOT NULL CHECK (vcpus > 0),
        max_vcpus integer NOT NULL,
        ssh_public_key text NOT NULL,
        active_root_disk_id uuid,
        pending_reboot boolean NOT NULL DEFAULT false,
        -- true while the pool and host still count this server's resources; cleared exactly once on release
        holds_reservation boolean NOT NULL DEFAULT true,
        failure_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CHECK (max_memory_mib >= memory_mib),
        CHECK (max_vcpus >= vcpus)
      )`);
    await db.query(`CREATE UNIQUE INDEX servers_customer_name_key ON servers (customer_id, lower(name)) WHERE state <> 'deleted'`);
    await db.query(`CREATE UNIQUE INDEX servers_host_domain_key ON servers (host_id, domain_name) WHERE state <> 'deleted'`);
    await db.query(`CREATE INDEX servers_customer_idx ON servers (customer_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX servers_pool_idx ON servers (pool_id) WHERE state <> 'deleted'`);

    await db.query(`
      CREATE TABLE server_disks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        server_id uuid NOT NULL REFERENCES servers(id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE RESTRICT,
        label varchar(32) NOT NULL,
        role varchar(8) NOT NULL CHECK (role IN ('root', 'data', 'swap')),
        filesystem varchar(8) NOT NULL CHECK (filesystem IN ('ext3', 'ext4', 'xfs', 'btrfs', 'swap')),
        size_gib integer NOT NULL CHECK (size_gib > 0),
        inodes bigint,
        bytes_per_inode integer,
        volume_name varchar(127) NOT NULL,
        position integer NOT NULL,
        state varchar(12) NOT NULL DEFAULT 'present' CHECK (state IN ('pending', 'present', 'removing', 'removed')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (inodes IS NULL OR filesystem IN ('ext3', 'ext4')),
        CHECK (bytes_per_inode IS NULL OR filesystem IN ('ext3', 'ext4'))
      )`);
    await db.query(`CREATE UNIQUE INDEX server_disks_label_key ON server_disks (server_id, lower(label)) WHERE state <> 'removed'`);
    await db.query(`ALTER TABLE servers ADD CONSTRAINT servers_active_root_fk FOREIGN KEY (active_root_disk_id) REFERENCES server_disks(id) DEFERRABLE INITIALLY DEFERRED`);

    await db.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- commit order within a server's lane (created_at is the transaction's start time, not its commit order)
        seq bigint GENERATED ALWAYS AS IDENTITY,
        customer_id uuid REFERENCES customers(id) ON DELETE RESTRICT,
        server_id uuid REFERENCES servers(id) ON DELETE RESTRICT,
        host_id uuid REFERENCES hosts(id) ON DELETE SET NULL,
        type varchar(32) NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        status varchar(12) NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        steps jsonb NOT NULL DEFAULT '[]',
        attempts integer NOT NULL DEFAULT 0,
        error text,
        error_code varchar(64),
        requested_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        worker_id varchar(128),
        -- set afresh each time a worker takes the job: a worker whose run was taken over cannot write any more
        run_id uuid,
        dispatched_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1
      )`);
    await db.query(`CREATE INDEX jobs_created_idx ON jobs (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX jobs_customer_idx ON jobs (customer_id, created_at DESC, id DESC)`);
    // The per-server lane: the oldest unfinished job of a server runs next.
    await db.query(`CREATE INDEX jobs_server_lane_idx ON jobs (server_id, seq) WHERE status IN ('queued', 'running')`);
    await db.query(`CREATE INDEX jobs_host_idx ON jobs (host_id, created_at DESC)`);

    await db.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid REFERENCES customers(id) ON DELETE CASCADE,
        actor_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        actor_token_id uuid,
        action varchar(64) NOT NULL,
        object_type varchar(32) NOT NULL,
        object_id uuid,
        details jsonb NOT NULL DEFAULT '{}',
        request_id varchar(64),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX audit_events_customer_idx ON audit_events (customer_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX audit_events_object_idx ON audit_events (object_id, created_at DESC)`);

    await db.query(`
      CREATE TABLE drift_findings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        host_id uuid NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
        kind varchar(32) NOT NULL CHECK (kind IN ('unknown_domain', 'server_not_running', 'orphan_volume', 'stuck_job', 'host_unreachable')),
        subject varchar(255) NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        first_seen_at timestamptz(3) NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX drift_findings_open_key ON drift_findings (host_id, kind, subject) WHERE resolved_at IS NULL`);
    await db.query(`CREATE INDEX drift_findings_created_idx ON drift_findings (first_seen_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE drift_findings`);
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP TABLE jobs`);
    await db.query(`ALTER TABLE servers DROP CONSTRAINT servers_active_root_fk`);
    await db.query(`DROP TABLE server_disks`);
    await db.query(`DROP TABLE servers`);
    await db.query(`DROP TABLE images`);
    await db.query(`DROP TABLE pool_size_changes`);
    await db.query(`DROP TABLE pools`);
    await db.query(`DROP TABLE customer_pool_ceilings`);
  }
}

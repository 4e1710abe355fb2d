import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * created_at columns keep milliseconds (timestamptz(3)): list cursors carry a JavaScript
 * Date, and a row created within the same millisecond as a page boundary must not be skipped.
 */
export class TenancyAndInventory1764050000000 implements MigrationInterface {
  name = 'TenancyAndInventory1764050000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        contact_email varchar(254),
        status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Names are unique regardless of case: "Acme" and "acme" would confuse an operator.
    await db.query(`CREATE UNIQUE INDEX customers_name_key ON customers (lower(name))`);

    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid REFERENCES customers(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        email varchar(254) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('operator', 'admin', 'viewer')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        -- operators belong to no customer; customer users always to one
        CHECK ((role = 'operator') = (customer_id IS NULL))
      )`);
    await db.query(
      `CREATE UNIQUE INDEX users_email_key ON users (coalesce(customer_id, '00000000-0000-0000-0000-000000000000'), lower(email)) WHERE deleted_at IS NULL`,
    );
    await db.query(`CREATE INDEX users_customer_idx ON users (customer_id, created_at DESC, id DESC)`);

    await db.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        customer_id uuid REFERENCES customers(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        prefix varchar(8) NOT NULL UNIQUE,
        secret_hash char(64) NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX api_tokens_customer_idx ON api_tokens (customer_id, created_at DESC, id DESC)`);

    await db.query(`
      CREATE TABLE hosts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(63) NOT NULL,
        ssh_address varchar(253) NOT NULL,
        ssh_port integer NOT NULL DEFAULT 22 CHECK (ssh_port BETWEEN 1 AND 65535),
        ssh_user varchar(32) NOT NULL DEFAULT 'root',
        host_key_fingerprint varchar(50) NOT NULL,
        cpu_threads integer NOT NULL CHECK (cpu_threads > 0),
        vcpu_overcommit_ratio numeric(5,2) NOT NULL DEFAULT 4.00 CHECK (vcpu_overcommit_ratio >= 1),
        total_memory_mib integer NOT NULL CHECK (total_memory_mib > 0),
        dom0_memory_mib integer NOT NULL CHECK (dom0_memory_mib > 0 AND dom0_memory_mib < total_memory_mib),
        volume_group varchar(64) NOT NULL,
        volume_group_size_gib integer NOT NULL CHECK (volume_group_size_gib > 0),
        transfer_allowance_gb integer NOT NULL CHECK (transfer_allowance_gb >= 0),
        uplink_mbit integer NOT NULL CHECK (uplink_mbit > 0),
        monthly_cost_minor bigint NOT NULL CHECK (monthly_cost_minor >= 0),
        currency char(3) NOT NULL,
        location varchar(100),
        status varchar(16) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'draining', 'maintenance', 'retired')),
        dedicated_customer_id uuid REFERENCES customers(id) ON DELETE RESTRICT,
        allocated_memory_mib integer NOT NULL DEFAULT 0 CHECK (allocated_memory_mib >= 0),
        allocated_disk_gib integer NOT NULL DEFAULT 0 CHECK (allocated_disk_gib >= 0),
        allocated_vcpus integer NOT NULL DEFAULT 0 CHECK (allocated_vcpus >= 0),
        server_count integer NOT NULL DEFAULT 0 CHECK (server_count >= 0),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX hosts_name_key ON hosts (lower(name))`);
    await db.query(`CREATE UNIQUE INDEX hosts_ssh_endpoint_key ON hosts (lower(ssh_address), ssh_port)`);
    await db.query(`CREATE INDEX hosts_created_idx ON hosts (created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE hosts`);
    await db.query(`DROP TABLE api_tokens`);
    await db.query(`DROP TABLE users`);
    await db.query(`DROP TABLE customers`);
  }
}

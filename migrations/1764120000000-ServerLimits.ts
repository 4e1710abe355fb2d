import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A server's CPU and network limits (libs/servers owns the table): the credit2 cap (% of
 * one CPU, 0 = none; Xen refuses more than 100 per vCPU of the domain), the credit2 weight
 * (xl's default 256) and the vif rate in whole Mbit/s (null = unlimited). Existing servers
 * get Xen's defaults, which is what their configs already say.
 */
export class ServerLimits1764120000000 implements MigrationInterface {
  name = 'ServerLimits1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE servers
      ADD COLUMN cpu_cap_percent integer NOT NULL DEFAULT 0,
      ADD COLUMN cpu_weight integer NOT NULL DEFAULT 256,
      ADD COLUMN network_rate_mbit integer,
      ADD CONSTRAINT servers_cpu_cap_percent_check CHECK (cpu_cap_percent >= 0 AND cpu_cap_percent <= 100 * GREATEST(vcpus, max_vcpus)),
      ADD CONSTRAINT servers_cpu_weight_check CHECK (cpu_weight BETWEEN 1 AND 65535),
      ADD CONSTRAINT servers_network_rate_mbit_check CHECK (network_rate_mbit BETWEEN 1 AND 100000)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE servers
      DROP CONSTRAINT servers_network_rate_mbit_check,
      DROP CONSTRAINT servers_cpu_weight_check,
      DROP CONSTRAINT servers_cpu_cap_percent_check,
      DROP COLUMN network_rate_mbit,
      DROP COLUMN cpu_weight,
      DROP COLUMN cpu_cap_percent`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Dom0 agent each host runs (issue 11): the version the last install through
 * `POST /v1/hosts/:id/agent` proved with carve's key, and when. Null until then.
 */
export class HostAgent1796410667172 implements MigrationInterface {
  name = 'HostAgent1796410667172';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hosts ADD COLUMN agent_version varchar(32), ADD COLUMN agent_installed_at timestamptz(3)`);
    await q.query(`ALTER TABLE hosts ADD CONSTRAINT hosts_agent_installed_chk CHECK ((agent_version IS NULL) = (agent_installed_at IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE hosts DROP CONSTRAINT hosts_agent_installed_chk`);
    await q.query(`ALTER TABLE hosts DROP COLUMN agent_installed_at, DROP COLUMN agent_version`);
  }
}

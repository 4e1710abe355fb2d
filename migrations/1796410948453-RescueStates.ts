import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rescue mode's server states (libs/servers owns the table): entering_rescue and
 * leaving_rescue while the job swaps the domain, rescue while the rescue system runs with
 * the server's disks. down() first returns rescued servers to a state the old list has: the
 * domain of one in rescue is running, so `running` (its normal config is untouched on the host).
 */
export class RescueStates1796410948453 implements MigrationInterface {
  name = 'RescueStates1796410948453';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE servers DROP CONSTRAINT servers_state_check`);
    await q.query(`ALTER TABLE servers ADD CONSTRAINT servers_state_check
      CHECK (state IN ('pending', 'provisioning', 'running', 'stopped', 'entering_rescue', 'rescue', 'leaving_rescue', 'failed', 'deleting', 'deleted'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE servers SET state = 'running' WHERE state IN ('entering_rescue', 'rescue', 'leaving_rescue')`);
    await q.query(`ALTER TABLE servers DROP CONSTRAINT servers_state_check`);
    await q.query(`ALTER TABLE servers ADD CONSTRAINT servers_state_check
      CHECK (state IN ('pending', 'provisioning', 'running', 'stopped', 'failed', 'deleting', 'deleted'))`);
  }
}

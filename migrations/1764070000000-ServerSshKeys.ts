import { MigrationInterface, QueryRunner } from 'typeorm';

/** A server takes several SSH keys (a team shares one server), kept as parsed, normalised key lines. */
export class ServerSshKeys1764070000000 implements MigrationInterface {
  name = 'ServerSshKeys1764070000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE servers ADD COLUMN ssh_public_keys text[]`);
    await queryRunner.query(`UPDATE servers SET ssh_public_keys = ARRAY[ssh_public_key]`);
    await queryRunner.query(`ALTER TABLE servers ALTER COLUMN ssh_public_keys SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE servers ADD CONSTRAINT servers_ssh_public_keys_count CHECK (cardinality(ssh_public_keys) BETWEEN 1 AND 10)`,
    );
    await queryRunner.query(`ALTER TABLE servers DROP COLUMN ssh_public_key`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE servers ADD COLUMN ssh_public_key text`);
    await queryRunner.query(`UPDATE servers SET ssh_public_key = ssh_public_keys[1]`);
    await queryRunner.query(`ALTER TABLE servers ALTER COLUMN ssh_public_key SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE servers DROP COLUMN ssh_public_keys`);
  }
}

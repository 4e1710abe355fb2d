import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A public key belongs to one user of carve, as on GitHub. Held by several users, a key's
 * gateway login had to be resolved by the server name asked for, and a tenant who
 * registered someone else's public key (public keys are public) together with a server of
 * the same name could catch that person's console login, and what they type at it. That
 * someone holds a given public key is the only thing the refusal tells a tenant.
 */
export class SshKeysGloballyUnique1796412600000 implements MigrationInterface {
  name = 'SshKeysGloballyUnique1796412600000';

  async up(q: QueryRunner): Promise<void> {
    const shared: { fingerprint: string; holders: string }[] = await q.query(
      `SELECT fingerprint, count(*)::text AS holders FROM user_ssh_keys GROUP BY fingerprint HAVING count(*) > 1 ORDER BY fingerprint LIMIT 20`,
    );
    if (shared.length > 0) {
      throw new Error(
        `These SSH keys are registered on more than one user: ${shared.map((s) => `${s.fingerprint} (${s.holders} users)`).join(', ')}. ` +
          'A key may belong to one user only: remove the extra registrations (DELETE /v1/users/:id/ssh-keys/:keyId) and run the migrations again.',
      );
    }
    await q.query(`DROP INDEX user_ssh_keys_fingerprint_idx`);
    await q.query(`DROP INDEX user_ssh_keys_user_fingerprint_key`);
    await q.query(`CREATE UNIQUE INDEX user_ssh_keys_fingerprint_key ON user_ssh_keys (fingerprint)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX user_ssh_keys_fingerprint_key`);
    await q.query(`CREATE UNIQUE INDEX user_ssh_keys_user_fingerprint_key ON user_ssh_keys (user_id, fingerprint)`);
    await q.query(`CREATE INDEX user_ssh_keys_fingerprint_idx ON user_ssh_keys (fingerprint)`);
  }
}

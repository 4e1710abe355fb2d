import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' SSH keys (libs/tenancy owns the table): what the console gateway authenticates
 * and rescue mode authorises. `customer_id` is copied from the user so tenant-scoped
 * queries filter on it directly, as api_tokens does. A key is unique per user, not
 * globally: refusing a key because another tenant holds it would tell one tenant about
 * another, so the gateway resolves a shared key by the server asked for.
 */
export class UserSshKeys1796410593695 implements MigrationInterface {
  name = 'UserSshKeys1796410593695';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE user_ssh_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      customer_id uuid REFERENCES customers (id) ON DELETE CASCADE,
      name varchar(100) NOT NULL,
      key_type varchar(64) NOT NULL,
      bits integer NOT NULL CHECK (bits > 0),
      public_key text NOT NULL,
      fingerprint varchar(64) NOT NULL CHECK (fingerprint LIKE 'SHA256:%'),
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      last_used_at timestamptz(3)
    )`);
    await q.query(`CREATE UNIQUE INDEX user_ssh_keys_user_fingerprint_key ON user_ssh_keys (user_id, fingerprint)`);
    await q.query(`CREATE INDEX user_ssh_keys_fingerprint_idx ON user_ssh_keys (fingerprint)`);
    await q.query(`CREATE INDEX user_ssh_keys_user_idx ON user_ssh_keys (user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX user_ssh_keys_customer_idx ON user_ssh_keys (customer_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_ssh_keys`);
  }
}

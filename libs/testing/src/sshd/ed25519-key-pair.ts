import { utils } from 'ssh2';

export interface KeyPairText {
  /** OpenSSH private key format. */
  readonly private: string;
  /** `ssh-ed25519 AAAA... comment`. */
  readonly public: string;
}

/**
 * ssh2 1.17's generateKeyPairSync('ed25519') strips leading zero bytes from
 * the public key, so about 1 key in 256 comes out 31 bytes long and neither
 * ssh2 nor OpenSSH can read it (mscdex/ssh2#1390, #1513). A test that drew
 * such a key would fail at random; draw again until both halves parse.
 */
export function generateEd25519KeyPair(comment?: string): KeyPairText {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const pair = utils.generateKeyPairSync('ed25519', comment === undefined ? {} : { comment });
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) {
      return { private: pair.private, public: pair.public };
    }
  }
  throw new Error('ssh2 produced 50 unreadable ed25519 keys in a row');
}

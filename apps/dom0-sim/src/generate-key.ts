import { utils } from 'ssh2';

/**
 * An ed25519 key pair from ssh2's generator. About 1 in 200 of its keys has a
 * 31-byte public key (a leading zero byte dropped) that ssh2 itself then refuses
 * to parse ("Malformed OpenSSH private key"), so draw until the pair parses.
 */
export function generateEd25519KeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

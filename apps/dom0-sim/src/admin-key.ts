import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEd25519KeyPair } from './generate-key';

export interface SimAdminKey {
  readonly private: string;
  readonly public: string;
  /** The private key file, for `ssh -i PATH -p PORT root@127.0.0.1 xl list`. */
  readonly path: string;
}

/**
 * The simulator's admin key in a data dir (`admin-key`, `admin-key.pub`), made once: the only
 * key that gets raw command lines on the simulated hosts (`carve-sim ...`, a human's `xl list`).
 * carve's own key reaches only the Dom0 agent there, as on a real Dom0.
 */
export function simAdminKeyIn(dir: string): SimAdminKey {
  const path = join(dir, 'admin-key');
  if (existsSync(path) && existsSync(`${path}.pub`)) {
    return { private: readFileSync(path, 'utf8'), public: readFileSync(`${path}.pub`, 'utf8').trim(), path };
  }
  const pair = generateEd25519KeyPair();
  writeFileSync(path, pair.private, { mode: 0o600 });
  writeFileSync(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
  return { private: pair.private, public: pair.public, path };
}

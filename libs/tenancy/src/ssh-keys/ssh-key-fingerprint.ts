import { createHash } from 'node:crypto';
import { parseSshPublicKey, SshKeyError, SshPublicKey } from '@carve/core';
import { utils } from 'ssh2';

export interface RegisteredKeyMaterial extends SshPublicKey {
  /** `SHA256:<unpadded base64>`, as `ssh-keygen -lf` and OpenSSH's own messages print it. */
  fingerprint: string;
}

/** The fingerprint of a key blob (the wire form a client offers during public key auth). */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * A key a user registers: carve's strict parse (known type, sizes, no options) and then
 * ssh2's own parser, because the console gateway (ssh2) must be able to verify a
 * signature made with it; a key ssh2 cannot load would register and then never log in.
 */
export function parseRegisteredKey(input: string): RegisteredKeyMaterial {
  const parsed = parseSshPublicKey(input);
  const loaded = utils.parseKey(parsed.line);
  if (loaded instanceof Error) throw new SshKeyError(`cannot be used for logging in to the console gateway (${loaded.message})`);
  const key = Array.isArray(loaded) ? loaded[0] : loaded;
  if (!key) throw new SshKeyError('cannot be used for logging in to the console gateway');
  if (key.isPrivateKey()) throw new SshKeyError('is a private key; paste the public key (the .pub file)');
  return { ...parsed, fingerprint: sshFingerprint(key.getPublicSSH()) };
}

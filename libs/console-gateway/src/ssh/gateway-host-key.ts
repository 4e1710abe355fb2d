import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { sshFingerprint } from '@carve/tenancy';
import { utils } from 'ssh2';

export interface HostKey {
  /** OpenSSH private key file contents, for ssh2's Server. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA...`: what goes into a client's known_hosts. */
  readonly publicKey: string;
  /** `SHA256:...`, as `ssh` prints it on first connection. */
  readonly fingerprint: string;
}

/**
 * Reads the host key at `path`, or makes one there first. The key must outlive restarts
 * (customers pin it), so it is made once: written to a temporary file and hard-linked into
 * place, so two processes starting at once end up with the same key instead of one
 * overwriting the other's.
 */
export function loadOrCreateHostKey(path: string): HostKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, utils.generateKeyPairSync('ed25519', { comment: 'carve console gateway' }).private, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temporary, path);
    } catch (linkError) {
      if ((linkError as NodeJS.ErrnoException).code !== 'EEXIST') throw linkError;
    } finally {
      unlinkSync(temporary);
    }
    text = readFileSync(path, 'utf8');
  }
  const parsed = utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error || !key.isPrivateKey()) throw new Error(`${path} is not an unencrypted OpenSSH private key (${key instanceof Error ? key.message : 'no key'})`);
  const blob = key.getPublicSSH();
  return { privateKey: text, publicKey: `${key.type} ${blob.toString('base64')}`, fingerprint: sshFingerprint(blob) };
}

/** The gateway's host key, read (or made) on first use: the API shows its fingerprint whether or not this process listens. */
@Injectable()
export class GatewayHostKey {
  private key?: HostKey;

  constructor(private readonly config: CarveConfig) {}

  get(): HostKey {
    this.key ??= loadOrCreateHostKey(this.config.consoleGatewayHostKeyPath);
    return this.key;
  }
}

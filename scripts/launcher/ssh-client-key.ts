import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEd25519KeyPair } from '@carve/dom0-sim';
import { utils } from 'ssh2';
import { LaunchError } from './launch-error';

export interface SshClientKey {
  /** OpenSSH private key file the worker authenticates to Dom0 hosts with (CARVE_SSH_PRIVATE_KEY_PATH). */
  privateKeyPath: string;
  /** Its `ssh-ed25519 AAAA... carve@localhost` line: the simulated hosts' authorized key. */
  publicKey: string;
}

/** carve's SSH identity, made once under <dataDir>/ssh so simulated (and real) hosts keep trusting it. */
export function ensureSshClientKey(dataDir: string): SshClientKey & { created: boolean } {
  const dir = join(dataDir, 'ssh');
  const privateKeyPath = join(dir, 'id_ed25519');
  const publicPath = `${privateKeyPath}.pub`;
  if (existsSync(privateKeyPath) && existsSync(publicPath)) {
    return { privateKeyPath, publicKey: readFileSync(publicPath, 'utf8').trim(), created: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateEd25519KeyPair();
  const publicKey = `${pair.public.trim()} carve@localhost`;
  writeFileSync(privateKeyPath, pair.private, { mode: 0o600 });
  chmodSync(privateKeyPath, 0o600);
  writeFileSync(publicPath, `${publicKey}\n`, { mode: 0o644 });
  return { privateKeyPath, publicKey, created: true };
}

/** An operator-provided key (CARVE_SSH_PRIVATE_KEY_PATH): its public half is read from the private key itself. */
export function readSshClientKey(privateKeyPath: string): SshClientKey {
  let text: string;
  try {
    text = readFileSync(privateKeyPath, 'utf8');
  } catch (error) {
    throw new LaunchError(`cannot read CARVE_SSH_PRIVATE_KEY_PATH ${privateKeyPath}: ${(error as Error).message}`, 'Point it at an unencrypted OpenSSH private key, or unset it to let npm start make one under the data dir.');
  }
  const parsed = utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    throw new LaunchError(`CARVE_SSH_PRIVATE_KEY_PATH ${privateKeyPath} is not a private key ssh2 can read`, 'Use an unencrypted OpenSSH key (ssh-keygen -t ed25519 -N "" -f FILE), or unset it.');
  }
  return { privateKeyPath, publicKey: `${key.type} ${key.getPublicSSH().toString('base64')}` };
}

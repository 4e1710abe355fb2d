import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateHostKey } from './gateway-host-key';

describe('loadOrCreateHostKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'carve-host-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes an ed25519 key once (0600, in a 0700 directory) and reads the same key back after', () => {
    const path = join(dir, 'gateway', 'ssh_host_ed25519_key');
    const made = loadOrCreateHostKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'gateway')).mode & 0o777).toBe(0o700);
    expect(loadOrCreateHostKey(path)).toEqual(made);
    expect(made.publicKey).toMatch(/^ssh-ed25519 AAAA/);
    // The fingerprint is the one OpenSSH prints for this key.
    writeFileSync(join(dir, 'key.pub'), `${made.publicKey}\n`);
    expect(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'key.pub')], { encoding: 'utf8' }).split(' ')[1]).toBe(made.fingerprint);
  });

  it('refuses a file that is not an unencrypted private key instead of replacing it', () => {
    const path = join(dir, 'not-a-key');
    writeFileSync(path, 'hello\n');
    expect(() => loadOrCreateHostKey(path)).toThrow(/not an unencrypted OpenSSH private key/);
  });
});

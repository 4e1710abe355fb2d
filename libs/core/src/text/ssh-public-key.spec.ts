import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSshPublicKey, SshKeyError } from './ssh-public-key';

/** Real keys from OpenSSH's own ssh-keygen, so the parser is checked against the reference implementation. */
function keygen(type: string, bits?: number, comment = 'ada@laptop'): string {
  const dir = mkdtempSync(join(tmpdir(), 'carve-key-'));
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', comment, '-f', join(dir, 'k')]);
  return readFileSync(join(dir, 'k.pub'), 'utf8').trim();
}

describe('parseSshPublicKey', () => {
  const ed25519 = keygen('ed25519');
  const rsa = keygen('rsa', 3072);

  it.each([
    ['ed25519', ed25519, 256],
    ['rsa 3072', rsa, 3072],
    ['ecdsa 256', keygen('ecdsa', 256), 256],
    ['ecdsa 384', keygen('ecdsa', 384), 384],
    ['ecdsa 521', keygen('ecdsa', 521), 521],
  ])('accepts a real %s key and keeps its comment', (_name, line, bits) => {
    const key = parseSshPublicKey(line);
    expect(key.bits).toBe(bits);
    expect(key.comment).toBe('ada@laptop');
    expect(key.line).toBe(line);
  });

  it('accepts a key without a comment, and surrounding spaces', () => {
    const [type, blob] = ed25519.split(' ');
    expect(parseSshPublicKey(`  ${type} ${blob}  `)).toMatchObject({ comment: null, line: `${type} ${blob}` });
  });

  it.each(['$(reboot)', 'ada`id`', 'a;reboot', 'ada "quoted"', "it's", 'a|b', 'a&b', 'x>y', '\u001b[31mred'])('drops a comment with shell metacharacters or controls: %j', (comment) => {
    const [type, blob] = ed25519.split(' ');
    const key = parseSshPublicKey(`${type} ${blob} ${comment}`);
    expect(key.comment).toBeNull();
    expect(key.line).toBe(`${type} ${blob}`);
  });

  it.each([
    ['a truncated key', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ', /base64|truncated/],
    ['an unknown type', 'ssh-dss AAAAB3NzaC1kc3M=', /key type/],
    ['authorized_keys options', `command="sh" ${'ssh-ed25519 AAAA'}`, /key type/],
    ['a type that differs from the blob', `ssh-rsa ${'ed25519'}`, /./],
    ['no key data', 'ssh-ed25519', /no key data/],
    ['two lines', 'ssh-ed25519 AAAA\nssh-rsa AAAA', /one line/],
    ['an RSA key of 1024 bits', keygen('rsa', 1024), /2048 to 16384/],
  ])('refuses %s', (_what, line, message) => {
    const input = line === 'ssh-rsa ed25519' ? `ssh-rsa ${ed25519.split(' ')[1]}` : line;
    expect(() => parseSshPublicKey(input)).toThrow(SshKeyError);
    expect(() => parseSshPublicKey(input)).toThrow(message);
  });

  it('refuses a blob whose declared type is swapped for another', () => {
    expect(() => parseSshPublicKey(`ssh-rsa ${ed25519.split(' ')[1]}`)).toThrow('is a ssh-ed25519 key, not ssh-rsa');
  });

  it('refuses trailing bytes and a short ed25519 key', () => {
    const blob = Buffer.from(ed25519.split(' ')[1]!, 'base64');
    expect(() => parseSshPublicKey(`ssh-ed25519 ${Buffer.concat([blob, Buffer.from([0])]).toString('base64')}`)).toThrow(/trailing|32 bytes/);
    const short = Buffer.concat([blob.subarray(0, 4 + 11), Buffer.from([0, 0, 0, 31]), blob.subarray(-31)]);
    expect(() => parseSshPublicKey(`ssh-ed25519 ${short.toString('base64')}`)).toThrow('32 bytes');
  });
});

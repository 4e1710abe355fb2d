// Medium tests: host key pinning and key authentication against a real OpenSSH sshd.
import { utils } from 'ssh2';
import { generateEd25519KeyPair, RunningSshd, startSshd } from '../../../testing/src/sshd';
import {
  AuthenticationFailedError,
  Dom0Target,
  HOST_KEY_FINGERPRINT_PATTERN,
  hostKeyFingerprint,
  HostKeyMismatchError,
  SshConnectionPool,
} from '.';

let sshd: RunningSshd;
let pool: SshConnectionPool;

beforeAll(async () => {
  sshd = await startSshd();
});

beforeEach(() => {
  pool = new SshConnectionPool();
});

afterEach(async () => {
  await pool.close();
});

afterAll(async () => {
  await sshd.stop();
});

function target(overrides: Partial<Dom0Target> = {}): Dom0Target {
  return {
    hostId: 'dom0-pinned',
    address: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.clientPrivateKey,
    expectedHostKeyFingerprint: sshd.hostKeyFingerprint,
    ...overrides,
  };
}

/** sshd's VERBOSE lines about public key authentication, from `offset` on. */
function publickeyLines(offset: number): string[] {
  return sshd
    .logs()
    .slice(offset)
    .split('\n')
    .filter((line) => /publickey/i.test(line));
}

/** A fingerprint of some other ed25519 key, as an attacker's host would present. */
function otherFingerprint(): string {
  const other = utils.parseKey(generateEd25519KeyPair().public);
  if (other instanceof Error) throw other;
  return hostKeyFingerprint(other.getPublicSSH());
}

describe('host key pinning against OpenSSH sshd', () => {
  it('connects when the offered key matches the fingerprint ssh-keygen printed', async () => {
    expect(sshd.hostKeyFingerprint).toMatch(HOST_KEY_FINGERPRINT_PATTERN);
    const result = await pool.exec(target(), { line: 'echo pinned' });
    expect(result.stdout).toBe('pinned\n');
  });

  it('refuses a host whose key differs, names both fingerprints, and never authenticates', async () => {
    const offset = sshd.logs().length;
    const expected = otherFingerprint();
    const attempt = pool.exec(target({ expectedHostKeyFingerprint: expected }), { line: 'touch /tmp/never' });

    await expect(attempt).rejects.toBeInstanceOf(HostKeyMismatchError);
    await expect(attempt).rejects.toMatchObject({
      code: 'DOM0_HOST_KEY_MISMATCH',
      transient: false,
      expectedFingerprint: expected,
      receivedFingerprint: sshd.hostKeyFingerprint,
    });
    const error = await attempt.catch((reason: unknown) => reason);
    expect(String(error)).toContain(expected);
    expect(String(error)).toContain(sshd.hostKeyFingerprint);

    // Let sshd log the end of that connection before reading its log.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // sshd logs every key offered ("Failed publickey ...", see the auth failure
    // test below) and "authenticating user" once userauth began; here there is neither.
    expect(publickeyLines(offset)).toEqual([]);
    expect(sshd.logs().slice(offset)).not.toMatch(/authenticating user/);
    expect(pool.stats('dom0-pinned')?.connectionsOpened).toBe(0);
  });

  it('does not remember a refused host: the next attempt is checked again', async () => {
    const wrong = target({ expectedHostKeyFingerprint: otherFingerprint() });
    await expect(pool.exec(wrong, { line: 'true' })).rejects.toBeInstanceOf(HostKeyMismatchError);
    await expect(pool.exec(wrong, { line: 'true' })).rejects.toBeInstanceOf(HostKeyMismatchError);
  });

  it('reports a key the host does not accept as AuthenticationFailedError (permanent)', async () => {
    const offset = sshd.logs().length;
    const stranger = generateEd25519KeyPair().private;
    const attempt = pool.exec(target({ privateKey: stranger }), { line: 'true' });

    await expect(attempt).rejects.toBeInstanceOf(AuthenticationFailedError);
    await expect(attempt).rejects.toMatchObject({ code: 'DOM0_AUTHENTICATION_FAILED', transient: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(publickeyLines(offset).some((line) => line.startsWith('Failed publickey'))).toBe(true);
    expect(sshd.logs().slice(offset)).not.toMatch(/Accepted publickey/);
  });
});

import { carveKeyLine, CARVE_KEY_COMMENT, withCarveKey } from './authorized-keys';

const carve = { type: 'ssh-ed25519', base64: 'AAAAC3NzaC1lZDI1NTE5AAAAIcarvecarvecarvecarvecarvecarvecarvecarve' };
const line = carveKeyLine(carve, '/usr/local/sbin/carve-agent');

describe('authorized_keys with carve bound to the agent', () => {
  it('writes restrict and the forced command before the key, marked as carve', () => {
    expect(line).toBe(`restrict,command="/usr/local/sbin/carve-agent" ssh-ed25519 ${carve.base64} ${CARVE_KEY_COMMENT}`);
  });

  it('appends to a file without carve and keeps every other line byte for byte, comments and blanks included', () => {
    const current = '# provider\nssh-rsa AAAAB3other admin@laptop\n\nfrom="10.0.0.1" ssh-ed25519 AAAAC3backup backup\n';
    expect(withCarveKey(current, carve.base64, line)).toBe(`${current}${line}\n`);
  });

  it("replaces carve's unrestricted line in place and an older carve line of a rotated key, leaving one", () => {
    const current = [
      'ssh-rsa AAAAB3other admin@laptop',
      `ssh-ed25519 ${carve.base64} carve@worker`,
      'ssh-ed25519 AAAAC3backup backup',
      `restrict,command="/old/carve-agent" ssh-ed25519 AAAAC3rotatedaway ${CARVE_KEY_COMMENT}`,
    ].join('\n');
    expect(withCarveKey(current, carve.base64, line)).toBe(['ssh-rsa AAAAB3other admin@laptop', line, 'ssh-ed25519 AAAAC3backup backup', ''].join('\n'));
  });

  it('is idempotent: installing again changes nothing', () => {
    const once = withCarveKey('ssh-rsa AAAAB3other admin@laptop\n', carve.base64, line);
    expect(withCarveKey(once, carve.base64, line)).toBe(once);
  });

  it('starts an empty file with carve alone', () => {
    expect(withCarveKey('', carve.base64, line)).toBe(`${line}\n`);
  });
});

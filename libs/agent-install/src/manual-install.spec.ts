import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualInstallCommand, manualInstallScript, parsePublicKeyLine } from './manual-install';

describe('the manual agent install command', () => {
  it("is the README's, word for word (the install e2e test runs the generator's output against a real sshd)", () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const script = manualInstallScript({ type: 'ssh-ed25519', base64: 'AAAA_CARVE_KEY_BASE64' });
    expect(readme).toContain(`ssh root@DOM0 '${script}' < dist/agent/carve-agent.js`);
  });

  it('takes only an OpenSSH public key line, and the script never holds a single quote', () => {
    const key = parsePublicKeyLine('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO7fkG657mP+zVlW5CBsceQz0yJaOHNOR+zxPj6FEHU6 carve@x\n');
    expect(key).toEqual({ type: 'ssh-ed25519', base64: 'AAAAC3NzaC1lZDI1NTE5AAAAIO7fkG657mP+zVlW5CBsceQz0yJaOHNOR+zxPj6FEHU6' });
    for (const bad of ['', 'ssh-ed25519', "ssh-ed25519 AAAA'; id", 'command="x" ssh-ed25519 AAAA', 'ssh-dss AAAA']) expect(() => parsePublicKeyLine(bad)).toThrow();
    const command = manualInstallCommand({ destination: 'root@dom0', bundlePath: 'dist/agent/carve-agent.js', carveKey: key });
    expect(command.split("'")).toHaveLength(3);
  });
});

/**
 * A Dom0 for agent tests: a real OpenSSH sshd (libs/testing's, its AuthorizedKeysFile in its
 * own temp dir), an install root standing in for the Dom0's `/` (root's authorized_keys is a
 * symlink to sshd's file, /etc/os-release a copy of this machine's Debian 12), carve's key,
 * and the agent bundle built from source. Nothing outside the temp dirs is touched.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAgentBundle } from '@carve/agent-install';
import { generateEd25519KeyPair, KeyPairText, RunningSshd, startSshd, StartSshdOptions } from '@carve/testing';

export interface AgentTestbed {
  readonly sshd: RunningSshd;
  /** The Dom0's `/` for the install (CARVE_AGENT_INSTALL_ROOT). */
  readonly root: string;
  /** Holds carve's private key file and the bundle. */
  readonly dir: string;
  readonly carveKey: KeyPairText;
  readonly carveKeyPath: string;
  readonly bundlePath: string;
  readonly bundle: string;
  /** sshd's AuthorizedKeysFile, as it is now. */
  authorizedKeys(): string;
  stop(): Promise<void>;
}

export async function startAgentTestbed(sshdOptions: StartSshdOptions = {}): Promise<AgentTestbed> {
  const dir = mkdtempSync(join(tmpdir(), 'carve-agent-testbed-'));
  const sshd = await startSshd(sshdOptions);
  const root = join(dir, 'root');
  mkdirSync(join(root, 'root', '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync(join(root, 'etc'), { recursive: true });
  symlinkSync(join(sshd.dir, 'authorized_keys'), join(root, 'root', '.ssh', 'authorized_keys'));
  copyFileSync('/etc/os-release', join(root, 'etc', 'os-release'));
  const carveKey = generateEd25519KeyPair('carve-worker');
  const carveKeyPath = join(dir, 'carve_ed25519');
  writeFileSync(carveKeyPath, carveKey.private, { mode: 0o600 });
  const bundlePath = join(dir, 'carve-agent.js');
  const { code } = await buildAgentBundle(bundlePath);
  return {
    sshd,
    root,
    dir,
    carveKey,
    carveKeyPath,
    bundlePath,
    bundle: code,
    authorizedKeys: () => readFileSync(join(sshd.dir, 'authorized_keys'), 'utf8'),
    async stop() {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The OpenSSH baseline: the `ssh` client multiplexing over one ControlMaster
 * connection, one `ssh ... true` process per command, host key checked
 * against a known_hosts file we write.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ControlMasterTarget {
  readonly address: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: string;
  readonly knownHostsLine: string;
}

export class OpenSshControlMaster {
  private readonly dir = mkdtempSync(join(tmpdir(), 'carve-cm-'));

  constructor(private readonly target: ControlMasterTarget) {
    writeFileSync(join(this.dir, 'id'), target.privateKey, { mode: 0o600 });
    writeFileSync(join(this.dir, 'known_hosts'), `${target.knownHostsLine}\n`, { mode: 0o600 });
  }

  /** One `ssh` process; the first one starts the master, the rest reuse it. */
  async run(command: string): Promise<string> {
    const { stdout } = await execFileAsync('ssh', [...this.options(), `${this.target.username}@${this.target.address}`, command]);
    return stdout;
  }

  async close(): Promise<void> {
    await execFileAsync('ssh', [...this.options(), '-O', 'exit', `${this.target.username}@${this.target.address}`]).catch(
      () => undefined,
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private options(): string[] {
    return [
      '-p', String(this.target.port),
      '-i', join(this.dir, 'id'),
      '-F', '/dev/null',
      '-o', 'BatchMode=yes',
      '-o', 'IdentitiesOnly=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${join(this.dir, 'known_hosts')}`,
      '-o', 'ControlMaster=auto',
      // %C keeps the socket path short and unique per destination.
      '-o', `ControlPath=${join(this.dir, 'cm-%C')}`,
      '-o', 'ControlPersist=60',
    ];
  }
}

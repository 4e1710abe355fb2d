/**
 * Starts a real OpenSSH sshd (Debian's openssh-server) on a free loopback port
 * for tests and the SSH benchmark: its own config, host key and authorized key,
 * nothing from /etc/ssh. Runs as root, as CI does.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateEd25519KeyPair } from './ed25519-key-pair';

const execFileAsync = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
/** sshd refuses to start without its privilege separation directory. */
const PRIVSEP_DIR = '/run/sshd';

export interface StartSshdOptions {
  /** Extra sshd_config lines, e.g. `MaxSessions 4`. */
  readonly extraConfig?: readonly string[];
  /** VERBOSE logs each accepted key and session, which tests read through logs(). */
  readonly logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG';
  /**
   * Sessions get HOME set to the sshd's own temp directory (default true).
   * Debian's bash sources ~/.bashrc even for `ssh host cmd`, so the runner's
   * own dotfiles (pyenv init and the like: 100 ms per command here) would
   * otherwise end up in every test and every benchmark sample.
   */
  readonly isolateHome?: boolean;
}

export interface RunningSshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The user the client key is authorized for (whoever runs the tests; root in CI). */
  readonly username: string;
  /** As `ssh-keygen -lf` prints it for the generated host key. */
  readonly hostKeyFingerprint: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA...`, ready for a known_hosts file. */
  readonly knownHostsLine: string;
  /** OpenSSH-format private key whose public half is in AuthorizedKeysFile. */
  readonly clientPrivateKey: string;
  readonly clientPublicKey: string;
  /** Directory holding the config and keys; removed by stop(). */
  readonly dir: string;
  readonly pid: number;
  /** Everything sshd has written to stderr (-e) so far. */
  logs(): string;
  /** Stops the listener and every per-connection sshd it forked. */
  stop(): Promise<void>;
}

export async function startSshd(options: StartSshdOptions = {}): Promise<RunningSshd> {
  mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'carve-sshd-'));
  try {
    const hostKey = generateEd25519KeyPair('carve-test-host');
    const clientKey = generateEd25519KeyPair('carve-test-client');
    const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
    writeFileSync(hostKeyPath, hostKey.private, { mode: 0o600 });
    writeFileSync(`${hostKeyPath}.pub`, `${hostKey.public}\n`, { mode: 0o644 });
    writeFileSync(join(dir, 'authorized_keys'), `${clientKey.public}\n`, { mode: 0o600 });
    const hostKeyFingerprint = await fingerprintOf(`${hostKeyPath}.pub`);

    // A port picked by the kernel can be taken again before sshd binds it; retry then.
    for (let attempt = 1; ; attempt += 1) {
      const port = await freeLoopbackPort();
      const configPath = join(dir, 'sshd_config');
      writeFileSync(configPath, sshdConfig(dir, hostKeyPath, port, options), { mode: 0o600 });
      const started = await launch(configPath, port);
      if ('child' in started) {
        return running(dir, started.child, started.logs, port, hostKeyFingerprint, hostKey.public, clientKey);
      }
      if (attempt >= 5) throw new Error(`sshd did not start: ${started.logs()}`);
    }
  } catch (error: unknown) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function sshdConfig(dir: string, hostKeyPath: string, port: number, options: StartSshdOptions): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyPath}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'UsePAM no',
    // Temp directories are world-readable parents; the test does not care.
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'PrintMotd no',
    'UseDNS no',
    // The benchmark's connection-per-command baseline opens many connections in a row.
    'MaxStartups 100:30:200',
    ...(options.isolateHome === false ? [] : [`SetEnv HOME=${dir}`]),
    `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
    ...(options.extraConfig ?? []),
    '',
  ].join('\n');
}

type LaunchResult = { child: ChildProcess; logs: () => string } | { logs: () => string };

async function launch(configPath: string, port: number): Promise<LaunchResult> {
  let output = '';
  // sshd re-executes itself and insists on an absolute path.
  const child = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    output += chunk;
  });
  const logs = (): string => output;
  const exited = new Promise<'exited'>((resolve) => child.once('exit', () => resolve('exited')));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const outcome = await Promise.race([exited, acceptsConnections(port).then((ok) => (ok ? 'up' : 'down'))]);
    if (outcome === 'up') return { child, logs };
    if (outcome === 'exited') return { logs };
    await delay(25);
  }
  child.kill('SIGKILL');
  return { logs };
}

function running(
  dir: string,
  child: ChildProcess,
  logs: () => string,
  port: number,
  hostKeyFingerprint: string,
  hostPublicKey: string,
  clientKey: { private: string; public: string },
): RunningSshd {
  const pid = child.pid ?? 0;
  const [keyType, keyData] = hostPublicKey.split(' ');
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    username: userInfo().username,
    hostKeyFingerprint,
    knownHostsLine: `[127.0.0.1]:${port} ${keyType} ${keyData}`,
    clientPrivateKey: clientKey.private,
    clientPublicKey: clientKey.public,
    dir,
    pid,
    logs,
    stop() {
      stopped ??= (async () => {
        // Per-connection sshds call setsid(), so a process-group kill misses them.
        const family = [pid, ...descendantsOf(pid)];
        const exited = new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        });
        for (const member of family) {
          try {
            process.kill(member, 'SIGTERM');
          } catch {
            // Already gone.
          }
        }
        await exited;
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

async function fingerprintOf(publicKeyPath: string): Promise<string> {
  const { stdout } = await execFileAsync('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const fingerprint = stdout.split(' ')[1];
  if (fingerprint === undefined || !fingerprint.startsWith('SHA256:')) {
    throw new Error(`unexpected ssh-keygen output: ${stdout}`);
  }
  return fingerprint;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True once something completes a TCP handshake on the port. */
function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every process below pid, read from /proc (Linux). */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name may hold spaces and parentheses; fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const children = parents.get(ppid) ?? [];
    children.push(Number(name));
    parents.set(ppid, children);
  }
  const found: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop() as number;
    for (const child of parents.get(current) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

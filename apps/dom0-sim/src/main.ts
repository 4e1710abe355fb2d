/**
 * `npm run sim -- --hosts 3 [--base-port 2201] [--authorized-keys FILE] [--state-dir DIR] [--time-factor F]`
 * Starts simulated Dom0 hosts on 127.0.0.1; host keys and state live in the state dir,
 * so a restart keeps fingerprints and domains.
 */
import { generateEd25519KeyPair } from './generate-key';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { simAdminKeyIn } from './admin-key';
import { startSimHost, type SimHost } from './sim-host';

interface CliOptions {
  hosts: number;
  basePort: number | undefined;
  authorizedKeys: string | undefined;
  stateDir: string;
  timeFactor: number;
}

function parseCli(argv: string[]): CliOptions {
  const out: CliOptions = { hosts: 1, basePort: undefined, authorizedKeys: undefined, stateDir: './.data/sim', timeFactor: 1 };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--hosts') out.hosts = Number(value);
    else if (flag === '--base-port') out.basePort = Number(value);
    else if (flag === '--authorized-keys') out.authorizedKeys = value;
    else if (flag === '--state-dir') out.stateDir = value;
    else if (flag === '--time-factor') out.timeFactor = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!Number.isInteger(out.hosts) || out.hosts < 1) throw new Error('--hosts must be a positive integer');
  if (out.basePort !== undefined && (!Number.isInteger(out.basePort) || out.basePort < 1 || out.basePort > 65535)) throw new Error('--base-port must be a TCP port');
  if (!Number.isFinite(out.timeFactor) || out.timeFactor <= 0) throw new Error('--time-factor must be a positive number');
  return out;
}

function readAuthorizedKeys(file: string | undefined): string[] {
  const candidates = file ? [file] : [join(homedir(), '.ssh', 'id_ed25519.pub'), join(homedir(), '.ssh', 'id_rsa.pub')];
  const found = candidates.find((f) => existsSync(f));
  if (!found) {
    throw new Error(
      file
        ? `authorized keys file ${file} does not exist`
        : 'no client public key found (~/.ssh/id_ed25519.pub or ~/.ssh/id_rsa.pub); create one with `ssh-keygen -t ed25519` or pass --authorized-keys FILE',
    );
  }
  return readFileSync(found, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

/** A host key per host name, created once and kept so the fingerprint survives restarts. */
function hostKeyFor(stateDir: string, name: string): string {
  const path = join(stateDir, `${name}.host-key`);
  if (existsSync(path)) return readFileSync(path, 'utf8');
  const key = generateEd25519KeyPair().private;
  writeFileSync(path, key, { mode: 0o600 });
  return key;
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  const authorizedKeys = readAuthorizedKeys(cli.authorizedKeys);
  const stateDir = resolve(cli.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const adminKey = simAdminKeyIn(stateDir);
  const hosts: SimHost[] = [];
  for (let i = 0; i < cli.hosts; i += 1) {
    const name = `sim-${i + 1}`;
    hosts.push(
      await startSimHost({
        name,
        port: cli.basePort === undefined ? 0 : cli.basePort + i,
        hostKey: hostKeyFor(stateDir, name),
        authorizedKeys,
        adminKey,
        timeFactor: cli.timeFactor,
        stateFile: join(stateDir, `${name}.state.json`),
        agentStateDir: join(stateDir, `${name}.agent`),
      }),
    );
  }
  for (const h of hosts) console.log(`${h.name}\t127.0.0.1:${h.port}\t${h.hostKeyFingerprint}`);
  // The authorized keys get the Dom0 agent, as carve's key does on a real host; raw lines need the admin key.
  console.log(`state in ${stateDir}; try: ssh -i ${adminKey.path} -p ${hosts[0].port} root@127.0.0.1 xl list`);
  const stop = (): void => {
    void Promise.all(hosts.map((h) => h.close())).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`dom0-sim: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/**
 * carve-agent: the only thing carve's SSH key may run on a Dom0 (root's authorized_keys:
 * `restrict,command="node /opt/carve-agent/main.js" ssh-ed25519 ...`). Under the forced
 * command the requested line is in SSH_ORIGINAL_COMMAND; run by hand, it is argv
 * (`node main.js version`).
 *
 * Environment (set in the forced command when the defaults do not fit):
 * - CARVE_AGENT_STATE_DIR: journal and locks, default /var/lib/carve-agent
 * - CARVE_AGENT_MOUNT_ROOT: where guest filesystems are mounted while worked on, default /mnt/carve
 */
import { AgentCore, LocalHostRunner, runAgentSession } from '@carve/dom0-agent';

// The agent runs on a Dom0, not inside carve: sshd and the forced command are its configuration, read here only.
// eslint-disable-next-line no-restricted-properties
const env = process.env;

function commandLine(): string | undefined {
  const forced = env.SSH_ORIGINAL_COMMAND;
  if (forced !== undefined) return forced;
  // Run as a forced command with no command asked for (an interactive login): refused.
  if (env.SSH_CONNECTION !== undefined) return undefined;
  const args = process.argv.slice(2);
  return args.length === 0 ? undefined : ['carve-agent', ...args].join(' ');
}

async function main(): Promise<void> {
  // A dropped SSH connection must not kill what is running: it finishes and lands in the journal.
  process.on('SIGHUP', () => undefined);
  process.on('SIGPIPE', () => undefined);
  // Nobody reads our output any more (the connection went): a stream stops, its processes are killed, its volume freed.
  const gone = new AbortController();
  process.stdout.on('error', () => gone.abort());
  process.stderr.on('error', () => undefined);
  const core = new AgentCore({
    stateDir: env.CARVE_AGENT_STATE_DIR ?? '/var/lib/carve-agent',
    mountRoot: env.CARVE_AGENT_MOUNT_ROOT ?? '/mnt/carve',
    runner: new LocalHostRunner(),
  });
  const code = await runAgentSession(core, commandLine(), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, closed: gone.signal });
  process.exitCode = code;
  // stdin may still hold the event loop open (an interactive login that was refused).
  process.stdin.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`carve-agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 70;
});

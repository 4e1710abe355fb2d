import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { utils } from 'ssh2';
import { CarveConfig } from '@carve/config';
import { Clock, ConflictError } from '@carve/core';
import { HostRepository, HostService } from '@carve/inventory';
import { RedisConnection } from '@carve/redis';
import { SshConnectionPool, shellQuote } from '@carve/xen';
import { AgentBundleSource, parseVersionOutput } from './agent-bundle.source';
import { agentLayout, agentWrapper, AgentLayout } from './agent-layout';
import {
  AgentInstallStepError,
  AgentInstallUnavailableError,
  BootstrapCredentialRejectedError,
  HostKeyMismatchForInstallError,
  HostUnreachableForInstallError,
  UnsupportedDom0Error,
} from './agent-install.errors';
import { carveKeyLine, withCarveKey } from './authorized-keys';
import { BootstrapConnectError, BootstrapCredential, BootstrapSession } from './bootstrap-session';
import { isSupportedDom0, MIN_NODE_MAJOR, nodeMajor, parseOsRelease } from './dom0-release';

export interface AgentInstallRequest {
  readonly credential: BootstrapCredential;
  /** The bootstrap login, when it differs from the host's registered SSH port and user. */
  readonly port?: number;
  readonly user?: string;
}

export interface InstallStep {
  readonly name: string;
  readonly detail: string;
}

export interface AgentInstallResult {
  readonly hostId: string;
  readonly agentVersion: string;
  readonly installedAt: Date;
  readonly steps: InstallStep[];
  /** What carve's own key got back after the install: the agent's version, and a refusal of an arbitrary command. */
  readonly proof: { readonly version: string; readonly arbitraryCommand: string; readonly refused: true; readonly answer: string };
}

/** The install's hold on a host: two operators installing at once would race on authorized_keys. */
const LOCK_TTL_MS = 15 * 60_000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Installs or upgrades the Dom0 agent over SSH with a one-time bootstrap credential, binds
 * carve's key to it as the forced command, and proves the binding with carve's key. Every
 * remote line is built from carve's own paths (config-validated) and carve's key; nothing
 * from the request reaches a shell. The credential is used for one connection and dropped.
 */
@Injectable()
export class AgentInstallService {
  private readonly logger = new Logger('agent-install');

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly hosts: HostService,
    private readonly hostRows: HostRepository,
    private readonly bundles: AgentBundleSource,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  async install(hostId: string, request: AgentInstallRequest): Promise<AgentInstallResult> {
    const host = await this.hosts.get(hostId);
    // Everything carve needs on its side comes first, so a misconfigured API never touches the host.
    const carveKey = this.carvePublicKey();
    const bundle = await this.bundles.get();
    const layout = agentLayout(this.config.agentInstallRoot);
    const username = request.user ?? host.sshUser;

    return this.exclusive(host.id, async () => {
      const steps: InstallStep[] = [];
      const session = await this.connect({ address: host.sshAddress, port: request.port ?? host.sshPort, username, expectedHostKeyFingerprint: host.hostKeyFingerprint }, request.credential, username);
      try {
        steps.push({ name: 'connect', detail: `logged in as ${username} with the bootstrap ${request.credential.password !== undefined ? 'password' : 'private key'}` });
        steps.push(await this.checkOs(session, layout));
        steps.push(await this.ensureNode(session, steps));
        steps.push(await this.writeAgent(session, layout, bundle.code, bundle.version, steps));
        steps.push(await this.bindCarveKey(session, layout, carveKey, steps));
      } finally {
        session.close();
      }
      const proof = await this.prove(host, carveKey.privateKey, bundle.version, steps);
      steps.push({ name: 'prove-version', detail: `carve's key ran \`carve-agent version\`: ${proof.version}` });
      steps.push({ name: 'prove-restriction', detail: `carve's key asked for \`${proof.arbitraryCommand}\` and was refused: ${proof.answer}` });
      const installedAt = this.clock.now();
      await this.hostRows.recordAgentInstall(host.id, bundle.version, installedAt);
      this.logger.log({ msg: 'agent installed', hostId: host.id, agentVersion: bundle.version });
      return { hostId: host.id, agentVersion: bundle.version, installedAt, steps, proof };
    });
  }

  private async connect(target: Parameters<typeof BootstrapSession.connect>[0], credential: BootstrapCredential, username: string): Promise<BootstrapSession> {
    try {
      return await BootstrapSession.connect(target, credential);
    } catch (error) {
      if (!(error instanceof BootstrapConnectError)) throw error;
      const failure = error.failure;
      if (failure.kind === 'credential_rejected') throw new BootstrapCredentialRejectedError(credential.password !== undefined ? 'credential.password' : 'credential.privateKey', username);
      if (failure.kind === 'host_key_mismatch') throw new HostKeyMismatchForInstallError(target.expectedHostKeyFingerprint, failure.received);
      throw new HostUnreachableForInstallError(failure.reason);
    }
  }

  private async checkOs(session: BootstrapSession, layout: AgentLayout): Promise<InstallStep> {
    const result = await session.exec(`cat ${shellQuote(layout.osReleasePath)}`);
    const release = parseOsRelease(result.exitCode === 0 ? result.stdout : '');
    if (!isSupportedDom0(release)) throw new UnsupportedDom0Error(release.prettyName || [release.id, release.versionId].filter(Boolean).join(' '));
    return { name: 'check-os', detail: release.prettyName || `${release.id} ${release.versionId}` };
  }

  /** Debian's own nodejs package: installed with apt-get when the host has none, said so in the step. */
  private async ensureNode(session: BootstrapSession, steps: InstallStep[]): Promise<InstallStep> {
    const present = await this.nodeVersion(session);
    if (present !== null && (nodeMajor(present) ?? 0) >= MIN_NODE_MAJOR) return { name: 'check-node', detail: `node ${present} present` };
    if (present !== null) {
      throw new AgentInstallStepError('dom0_node_too_old', `The host's node is ${present}; the agent needs Node.js ${MIN_NODE_MAJOR} or later (Debian 12's nodejs package). Upgrade it or remove it so the install can add Debian's.`, steps);
    }
    const apt = await session.exec('DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs');
    const after = apt.exitCode === 0 ? await this.nodeVersion(session) : null;
    if (after === null || (nodeMajor(after) ?? 0) < MIN_NODE_MAJOR) {
      throw new AgentInstallStepError(
        'dom0_node_install_failed',
        `The host has no node and \`apt-get install -y nodejs\` did not provide Node.js ${MIN_NODE_MAJOR}+ (exit ${apt.exitCode}): ${tail(apt.stderr || apt.stdout)}`,
        steps,
      );
    }
    return { name: 'install-node', detail: `node was absent: installed Debian's nodejs with apt-get -y (node ${after})` };
  }

  private async nodeVersion(session: BootstrapSession): Promise<string | null> {
    const result = await session.exec('command -v node >/dev/null 2>&1 && node --version');
    return result.exitCode === 0 && nodeMajor(result.stdout) !== null ? result.stdout.trim() : null;
  }

  /** Written beside and renamed over, so a running agent never reads half a file and an interrupted install leaves the old one. */
  private async writeAgent(session: BootstrapSession, layout: AgentLayout, code: string, version: string, steps: InstallStep[]): Promise<InstallStep> {
    const bundle = shellQuote(layout.bundlePath);
    const wrapper = shellQuote(layout.wrapperPath);
    const journal = shellQuote(layout.journalDir);
    const dirs = [dirOf(layout.bundlePath), dirOf(layout.wrapperPath)].map(shellQuote).join(' ');
    const writeBundle = await session.exec(`set -e; umask 022; mkdir -p ${dirs}; mkdir -p -m 700 ${journal}; cat > ${bundle}.new; mv -f ${bundle}.new ${bundle}`, code);
    if (writeBundle.exitCode !== 0) throw new AgentInstallStepError('agent_install_write_failed', `Writing ${layout.bundlePath} failed: ${tail(writeBundle.stderr)}`, steps);
    const writeWrapper = await session.exec(`set -e; umask 022; cat > ${wrapper}.new; chmod 755 ${wrapper}.new; mv -f ${wrapper}.new ${wrapper}`, agentWrapper(layout));
    if (writeWrapper.exitCode !== 0) throw new AgentInstallStepError('agent_install_write_failed', `Writing ${layout.wrapperPath} failed: ${tail(writeWrapper.stderr)}`, steps);
    return { name: 'write-agent', detail: `wrote ${layout.bundlePath} (${Buffer.byteLength(code)} bytes, version ${version}), ${layout.wrapperPath} and the journal directory ${layout.journalDir}` };
  }

  private async bindCarveKey(session: BootstrapSession, layout: AgentLayout, carveKey: CarveKey, steps: InstallStep[]): Promise<InstallStep> {
    const path = shellQuote(layout.authorizedKeysPath);
    const dir = shellQuote(dirOf(layout.authorizedKeysPath));
    const read = await session.exec(`mkdir -p -m 700 ${dir} && { if [ -e ${path} ]; then cat ${path}; fi; }`);
    if (read.exitCode !== 0) throw new AgentInstallStepError('agent_install_write_failed', `Reading ${layout.authorizedKeysPath} failed: ${tail(read.stderr)}`, steps);
    const line = carveKeyLine(carveKey, layout.wrapperPath);
    const updated = withCarveKey(read.stdout, carveKey.base64, line);
    const others = updated.split('\n').filter((l) => l !== '' && l !== line).length;
    // A symlinked authorized_keys (config management) keeps its link; the file it points to is replaced.
    const write = await session.exec(`set -e; f=$(readlink -f ${path}); umask 077; cat > "$f.carve-new"; chmod 600 "$f.carve-new"; mv -f "$f.carve-new" "$f"`, updated);
    if (write.exitCode !== 0) throw new AgentInstallStepError('agent_install_write_failed', `Writing ${layout.authorizedKeysPath} failed: ${tail(write.stderr)}`, steps);
    const replaced = read.stdout.includes(carveKey.base64) ? 'replaced carve\'s earlier line' : 'added';
    return { name: 'bind-carve-key', detail: `${layout.authorizedKeysPath}: carve's key ${replaced} as restrict,command="${layout.wrapperPath}"; ${others} other line(s) kept` };
  }

  /** Over carve's own key, as the worker will connect: the agent answers, and nothing else runs. */
  private async prove(host: { id: string; sshAddress: string; sshPort: number; sshUser: string; hostKeyFingerprint: string }, privateKey: string, version: string, steps: InstallStep[]): Promise<AgentInstallResult['proof']> {
    const pool = new SshConnectionPool({ commandTimeoutMs: 30_000 });
    const target = { hostId: `agent-install-${host.id}`, address: host.sshAddress, port: host.sshPort, username: host.sshUser, privateKey, expectedHostKeyFingerprint: host.hostKeyFingerprint };
    try {
      const answered = await pool.exec(target, { line: 'carve-agent version' }).catch((error: Error) => {
        throw new AgentInstallStepError('agent_not_proven', `carve's key could not run \`carve-agent version\` after the install: ${error.message}`, steps);
      });
      let seen: string;
      try {
        seen = parseVersionOutput(answered.stdout);
      } catch {
        throw new AgentInstallStepError('agent_not_proven', `carve's key got no agent version back (exit ${answered.exitCode}): ${tail(answered.stdout + answered.stderr)}`, steps);
      }
      if (seen !== version) throw new AgentInstallStepError('agent_not_proven', `The agent over carve's key reports ${seen}, not the ${version} just installed.`, steps);
      const arbitrary = await pool.exec(target, { line: 'id' });
      if (arbitrary.exitCode === 0 || /uid=\d+/.test(arbitrary.stdout)) {
        throw new AgentInstallStepError('agent_restriction_not_proven', `carve's key ran \`id\` after the install (exit ${arbitrary.exitCode}): the forced command is not in effect. Check sshd's AuthorizedKeysFile and that no other line holds carve's key.`, steps);
      }
      return { version: seen, arbitraryCommand: 'id', refused: true, answer: `exit ${arbitrary.exitCode}${arbitrary.stderr.trim() ? `: ${tail(arbitrary.stderr)}` : ''}${arbitrary.stdout.trim() ? ` ${tail(arbitrary.stdout)}` : ''}` };
    } finally {
      await pool.close();
    }
  }

  private carvePublicKey(): CarveKey {
    const path = this.config.sshPrivateKeyPath;
    if (!path) throw new AgentInstallUnavailableError('carve_ssh_key_missing', 'The API has no SSH key to bind: set CARVE_SSH_PRIVATE_KEY_PATH to the private key the worker logs in to Dom0 hosts with.');
    let privateKey: string;
    try {
      privateKey = readFileSync(path, 'utf8');
    } catch (error) {
      throw new AgentInstallUnavailableError('carve_ssh_key_missing', `Cannot read CARVE_SSH_PRIVATE_KEY_PATH (${path}): ${(error as Error).message}`);
    }
    const parsed = utils.parseKey(privateKey);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key instanceof Error) throw new AgentInstallUnavailableError('carve_ssh_key_missing', `CARVE_SSH_PRIVATE_KEY_PATH (${path}) holds no private key ssh2 can read.`);
    return { type: key.type, base64: key.getPublicSSH().toString('base64'), privateKey };
  }

  private async exclusive<T>(hostId: string, work: () => Promise<T>): Promise<T> {
    const key = this.redis.key('agent-install', hostId);
    const token = randomUUID();
    if ((await this.redis.client.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      throw new ConflictError('agent_install_in_progress', 'An agent install on this host is already running; its answer will say how it went.', { retryAfterSeconds: 30 });
    }
    try {
      return await work();
    } finally {
      await this.redis.client.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}

interface CarveKey {
  readonly type: string;
  readonly base64: string;
  readonly privateKey: string;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** The end of a command's output, which is where the reason is; bounded so a problem stays small. */
function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 500 ? `…${trimmed.slice(-500)}` : trimmed;
}

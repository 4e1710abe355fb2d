import { readFileSync } from 'node:fs';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Host } from '@carve/inventory';
import { PermanentJobError } from '@carve/jobs';
import { AgentExecutor, agentExecutorFor, Dom0Client, Dom0CommandInput, Dom0Executor, Dom0Target, ExecOptions, ExecResult, ExecStreams, SshConnectionPool } from '@carve/xen';

/** Passes commands to the host's agent and tells a listener each command line (the job's current step records them). */
class RecordingExecutor implements Dom0Executor {
  constructor(
    private readonly inner: Dom0Executor,
    private readonly onCommand: (line: string) => void,
  ) {}

  exec(target: Dom0Target, command: Dom0CommandInput, options?: ExecOptions): Promise<ExecResult> {
    this.onCommand(command.line);
    return this.inner.exec(target, command, options);
  }

  execStream(target: Dom0Target, command: Dom0CommandInput, streams: ExecStreams, options?: ExecOptions): Promise<ExecResult> {
    this.onCommand(command.line);
    if (!this.inner.execStream) throw new Error('the Dom0 executor cannot stream');
    return this.inner.execStream(target, command, streams, options);
  }
}

/**
 * The worker's SSH side: one pooled connection per host, shared by every job on it, with
 * the host key pinned to the fingerprint registered in the inventory.
 */
@Injectable()
export class Dom0Connections implements OnApplicationShutdown {
  readonly pool: SshConnectionPool;
  /** Every Dom0 operation goes through the host's agent: one serve channel per pooled connection. */
  readonly agent: AgentExecutor;
  private privateKey?: Buffer;

  constructor(@Inject(CarveConfig) private readonly config: CarveConfig) {
    this.pool = new SshConnectionPool({ maxChannelsPerHost: config.sshMaxChannelsPerHost, commandTimeoutMs: config.sshCommandTimeoutMs });
    this.agent = agentExecutorFor(this.pool);
  }

  targetFor(host: Host): Dom0Target {
    return {
      hostId: host.id,
      address: host.sshAddress,
      port: host.sshPort,
      username: host.sshUser,
      privateKey: this.key(),
      expectedHostKeyFingerprint: host.hostKeyFingerprint,
    };
  }

  /** A client for one job, recording the command lines it runs. */
  clientFor(host: Host, onCommand: (line: string) => void): Dom0Client {
    // Through the host's agent; each operation is recorded as the argv (or procedure) it runs.
    return new Dom0Client(new RecordingExecutor(this.agent, onCommand), this.targetFor(host), { volumeGroup: host.volumeGroup });
  }

  private key(): Buffer {
    if (this.privateKey) return this.privateKey;
    if (!this.config.sshPrivateKeyPath) {
      throw new PermanentJobError('ssh_key_missing', 'The worker has no SSH key: set CARVE_SSH_PRIVATE_KEY_PATH to the private key the Dom0 hosts accept.');
    }
    try {
      this.privateKey = readFileSync(this.config.sshPrivateKeyPath);
    } catch (error) {
      throw new PermanentJobError('ssh_key_missing', `Cannot read CARVE_SSH_PRIVATE_KEY_PATH (${this.config.sshPrivateKeyPath}): ${(error as Error).message}`);
    }
    return this.privateKey;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}

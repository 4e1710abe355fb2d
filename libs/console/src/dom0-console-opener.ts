import { readFileSync } from 'node:fs';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { HostRepository } from '@carve/inventory';
import { ServerRepository } from '@carve/servers';
import { agentExecutorFor, SshConnectionPool, xlConsoleCommand } from '@carve/xen';
import { ConsoleUnavailableError } from './console-hub';
import type { ConsoleUpstream, ConsoleUpstreamOpener } from './console-upstream';
import { openExecConsole } from './exec-console-upstream';

/**
 * Opens a server's console as `xl console` on its Dom0, over this process's own SSH pool
 * (the API's, separate from the worker's), with the host key pinned to the fingerprint in
 * the inventory and the key from CARVE_SSH_PRIVATE_KEY_PATH, as the worker connects.
 */
@Injectable()
export class Dom0ConsoleOpener implements ConsoleUpstreamOpener, OnApplicationShutdown {
  private readonly pool: SshConnectionPool;
  private privateKey?: Buffer;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly servers: ServerRepository,
    private readonly hosts: HostRepository,
  ) {
    this.pool = new SshConnectionPool({ maxChannelsPerHost: config.sshMaxChannelsPerHost, commandTimeoutMs: config.sshCommandTimeoutMs });
  }

  async open(serverId: string): Promise<ConsoleUpstream> {
    const server = await this.servers.findById(serverId);
    if (!server || server.deletedAt !== null) throw new ConsoleUnavailableError(serverId, 'the server no longer exists');
    const host = await this.hosts.findById(server.hostId);
    if (!host) throw new ConsoleUnavailableError(serverId, 'its host is not in the inventory');
    const target = {
      hostId: host.id,
      address: host.sshAddress,
      port: host.sshPort,
      username: host.sshUser,
      privateKey: this.key(serverId),
      expectedHostKeyFingerprint: host.hostKeyFingerprint,
    };
    // Through the host's agent (console.attach): carve's key runs nothing else on a Dom0.
    return openExecConsole(agentExecutorFor(this.pool), target, xlConsoleCommand(server.domainName));
  }

  private key(serverId: string): Buffer {
    if (this.privateKey) return this.privateKey;
    const path = this.config.sshPrivateKeyPath;
    if (!path) throw new ConsoleUnavailableError(serverId, 'this process has no SSH key for the Dom0s (set CARVE_SSH_PRIVATE_KEY_PATH)');
    try {
      this.privateKey = readFileSync(path);
    } catch (error) {
      throw new ConsoleUnavailableError(serverId, `cannot read CARVE_SSH_PRIVATE_KEY_PATH (${path}): ${(error as Error).message}`);
    }
    return this.privateKey;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }
}

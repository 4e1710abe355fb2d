import { readFileSync } from 'node:fs';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { HostRepository } from '@carve/inventory';
import { ServerRepository } from '@carve/servers';
import { agentExecutorFor, Dom0Client, type Dom0Target, SshConnectionPool, xlConsoleCommand } from '@carve/xen';
import { ConsoleUnavailableError } from './console-hub';
import type { ConsoleUpstream, ConsoleUpstreamOpener, DomainWhereabouts } from './console-upstream';
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
    const { domainName, target } = await this.where(serverId);
    // Through the host's agent (console.attach): carve's key runs nothing else on a Dom0.
    return openExecConsole(agentExecutorFor(this.pool), target, xlConsoleCommand(domainName));
  }

  /**
   * After `xl console` returned: is the server's domain running again on the host the console
   * was on? One `xl list` through the agent. A deleted server, or one carve now places on
   * another host (a move), will not come back here.
   */
  async locate(serverId: string, hostId: string | undefined): Promise<DomainWhereabouts> {
    const server = await this.servers.findById(serverId);
    if (!server || server.deletedAt !== null) return { kind: 'gone', message: 'the server was deleted' };
    if (hostId !== undefined && server.hostId !== hostId) return { kind: 'gone', message: 'the server moved to another host; open its console again' };
    const { domainName, target } = await this.where(serverId);
    const domain = await new Dom0Client(this.pool, target).domainByName(domainName);
    // A dying or shut-down entry is the old boot still being torn down, not the new one.
    const up = domain !== null && domain.state.summary !== 'dying' && domain.state.summary !== 'shutdown' && domain.state.summary !== 'crashed';
    return up ? { kind: 'running' } : { kind: 'absent' };
  }

  private async where(serverId: string): Promise<{ domainName: string; target: Dom0Target }> {
    const server = await this.servers.findById(serverId);
    if (!server || server.deletedAt !== null) throw new ConsoleUnavailableError(serverId, 'the server no longer exists');
    const host = await this.hosts.findById(server.hostId);
    if (!host) throw new ConsoleUnavailableError(serverId, 'its host is not in the inventory');
    const target: Dom0Target = {
      hostId: host.id,
      address: host.sshAddress,
      port: host.sshPort,
      username: host.sshUser,
      privateKey: this.key(serverId),
      expectedHostKeyFingerprint: host.hostKeyFingerprint,
    };
    return { domainName: server.domainName, target };
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

import { Injectable } from '@nestjs/common';
import { JobContext, PermanentJobError } from '@carve/jobs';
import { Dom0Client, Dom0OperationError, type Vdev } from '@carve/xen';
import { EntityManager } from 'typeorm';
import { ServerDisk } from '../server-disk.entity';
import { vdevFor } from '../server-naming';
import { Server, ServerState } from '../server.entity';
import { ServerRepository } from '../server.repository';
import { configDisks, domainSpecFor } from './domain-spec-for';

export interface LoadedServer {
  server: Server;
  /** Every disk not yet removed, in position order. */
  disks: ServerDisk[];
}

export const CHECK_STEP = 'check server state';

/**
 * What every server job handler does the same way: find its server, decide whether the
 * job still applies, write the domain config from the database, change the server row
 * under its lock. Handlers re-read state here at the start of every attempt; nothing is
 * carried over from the request but ids.
 */
@Injectable()
export class ServerJobSupport {
  constructor(private readonly servers: ServerRepository) {}

  serverId(ctx: JobContext): string {
    const id = ctx.job.serverId;
    if (!id) throw new PermanentJobError('job_without_server', `Job ${ctx.job.id} (${ctx.job.type}) names no server.`);
    return id;
  }

  async load(ctx: JobContext): Promise<LoadedServer> {
    const id = this.serverId(ctx);
    const server = await this.servers.findById(id);
    if (!server) throw new PermanentJobError('server_not_found', `Server ${id} no longer exists.`);
    return { server, disks: await this.servers.disksOf([id]) };
  }

  /**
   * True when the server is in one of `states`. Otherwise the job has nothing left to do
   * (the server was deleted meanwhile, a create already finished...): one step records
   * why, and the handler returns without touching the Dom0.
   */
  async applies(ctx: JobContext, server: Server, states: readonly ServerState[]): Promise<boolean> {
    if (states.includes(server.state)) return true;
    await this.skip(ctx, `server is ${server.state}; ${ctx.job.type} applies to ${states.join(', ')} servers; nothing done`);
    return false;
  }

  /** Records why the job ends here without touching the Dom0. */
  async skip(ctx: JobContext, why: string): Promise<void> {
    await ctx.step(CHECK_STEP, async (report) => report.note(why));
  }

  /** Writes the config carve holds for the server; a no-op when the file already says exactly this. */
  async writeConfig(ctx: JobContext, server: Server, disks: readonly ServerDisk[], options: { including?: readonly string[]; excluding?: readonly string[] } = {}): Promise<void> {
    await ctx.step('write domain config', async (report) => {
      const spec = domainSpecFor(server, configDisks(disks, options), ctx.host.volumeGroup);
      const { changed } = await ctx.dom0.writeDomainConfig(spec);
      report.note(changed ? `wrote /etc/xen/${spec.name}.cfg (${spec.memoryMiB} MiB, ${spec.vcpus} vCPUs, ${spec.disks.map((d) => d.vdev).join(' ')})` : 'config already up to date');
    });
  }

  /**
   * The one way a job boots a server's domain (create, start, a reboot that re-creates it,
   * a move's start on its target): `xl create` from the config just written, then the
   * server's CPU limits on the new domain, so they hold whichever path booted it.
   */
  async bootDomain(ctx: JobContext, server: Server, dom0: Dom0Client = ctx.dom0): Promise<void> {
    await ctx.step('create domain', async (report) => {
      const { created, domid } = await dom0.createDomain(server.domainName);
      report.note(created ? `xl create: domid ${domid}` : `already running as domid ${domid}`);
    });
    await this.applyCpuLimits(ctx, server, dom0);
  }

  /** `xl sched-credit2` with the cap and weight the server row holds; checks the listing first, so a domain that booted with them is left alone. */
  async applyCpuLimits(ctx: JobContext, server: Server, dom0: Dom0Client = ctx.dom0): Promise<void> {
    await ctx.step('apply cpu limits', async (report) => {
      const limits = `weight ${server.cpuWeight}, cap ${server.cpuCapPercent === 0 ? 'none' : `${server.cpuCapPercent}%`}`;
      try {
        const { changed } = await dom0.setSchedCredit2(server.domainName, { weight: server.cpuWeight, capPercent: server.cpuCapPercent });
        report.note(changed ? `xl sched-credit2: ${limits}` : `domain already has ${limits}`);
      } catch (error) {
        // Gone for the moment (a guest between reboots): its config holds the same cap and weight for when it comes back.
        if (!(error instanceof Dom0OperationError) || error.code !== 'domain_not_found') throw error;
        report.note(`domain not running; its config gives it ${limits} when it starts`);
      }
    });
  }

  /** Whether the server's domain is listed and alive on the Dom0 now. */
  async domainRunning(ctx: JobContext, server: Server): Promise<boolean> {
    const domain = await ctx.dom0.domainByName(server.domainName);
    return domain !== null && domain.state.summary !== 'crashed' && domain.state.summary !== 'shutdown';
  }

  /** Runs `change` on the server row locked FOR UPDATE, with its disks, in one transaction. */
  locked<T>(ctx: JobContext, change: (manager: EntityManager, current: LoadedServer) => Promise<T>): Promise<T> {
    const id = this.serverId(ctx);
    return this.servers.transaction(async (manager) => {
      const server = await this.servers.lockById(id, manager);
      if (!server) throw new PermanentJobError('server_not_found', `Server ${id} no longer exists.`);
      return change(manager, { server, disks: await this.servers.disksOf([id], manager) });
    });
  }

  saveServer(server: Server, manager: EntityManager): Promise<Server> {
    return this.servers.saveServer(server, manager);
  }

  saveDisk(disk: ServerDisk, manager: EntityManager): Promise<ServerDisk> {
    return this.servers.saveDisk(disk, manager);
  }

  /** The disk a disk job is about, or null when it is gone (removed, or its request cancelled). */
  disk(loaded: LoadedServer, diskId: string): ServerDisk | null {
    return loaded.disks.find((d) => d.id === diskId) ?? null;
  }
}

export function vdevOf(disk: ServerDisk): Vdev {
  return vdevFor(disk.position) as Vdev;
}

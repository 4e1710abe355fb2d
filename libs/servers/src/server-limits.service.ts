import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '@carve/core';
import { Job, JobDispatcher, JobLifecycleHooks, JobParams, JobRepository, JobType, toJobView } from '@carve/jobs';
import { Actor, scopeOf } from '@carve/tenancy';
import { CPU_WEIGHT_DEFAULT, CPU_CAP_NONE, maxCpuCapPercent } from '@carve/xen';
import { EntityManager } from 'typeorm';
import { AcceptedChange } from './server-order.service';
import { assertActionAllowed } from './server-state-machine';
import { Server } from './server.entity';
import { ServerRepository } from './server.repository';
import { toServerView } from './server.view';

/** A field left out is kept; null clears it (no cap, the default weight 256, no rate). */
export interface ServerLimitsChange {
  cpuCapPercent?: number | null;
  cpuWeight?: number | null;
  networkRateMbit?: number | null;
}

type LimitField = JobParams[JobType.SetServerLimits]['changed'][number];

export interface LimitsAccepted extends AcceptedChange {
  /** For what changed: live on a running server (cpu with `xl sched-credit2`, network through each vif's xenstore rate node), else next-boot. */
  applied: { cpu?: 'live' | 'next-boot'; network?: 'live' | 'next-boot' };
}

/**
 * CPU cap and weight and network rate of a server (operators). The request locks the
 * server, checks the state machine and the ranges, stores the limits on the server (so
 * every later boot, root switch or move writes them into the config) and queues one job
 * in the server's lane, in one transaction.
 */
@Injectable()
export class ServerLimitsService implements OnModuleInit {
  constructor(
    private readonly servers: ServerRepository,
    private readonly jobs: JobRepository,
    private readonly dispatcher: JobDispatcher,
    private readonly hooks: JobLifecycleHooks,
  ) {}

  onModuleInit(): void {
    this.hooks.onCancelled(JobType.SetServerLimits, (job, manager) => this.cancel(job, manager));
  }

  async set(actor: Actor, id: string, change: ServerLimitsChange): Promise<LimitsAccepted> {
    const applied: LimitsAccepted['applied'] = {};
    const accepted = await this.servers.transaction(async (manager) => {
      const server = await this.servers.lockInScope(scopeOf(actor), id, manager);
      if (!server) throw new NotFoundError('server', id);
      assertActionAllowed(server.state, 'set-limits');
      const next = {
        cpuCapPercent: change.cpuCapPercent === undefined ? server.cpuCapPercent : (change.cpuCapPercent ?? CPU_CAP_NONE),
        cpuWeight: change.cpuWeight === undefined ? server.cpuWeight : (change.cpuWeight ?? CPU_WEIGHT_DEFAULT),
        networkRateMbit: change.networkRateMbit === undefined ? server.networkRateMbit : change.networkRateMbit,
      };
      const maxCap = maxCpuCapPercent(server.vcpus);
      if (next.cpuCapPercent > maxCap) {
        throw new InvalidInputError([{ field: 'cpuCapPercent', message: `must be at most ${maxCap} (100 per vCPU: the server has ${server.vcpus}); 0 or null is no cap` }]);
      }
      const previous = { cpuCapPercent: server.cpuCapPercent, cpuWeight: server.cpuWeight, networkRateMbit: server.networkRateMbit };
      const changed = (Object.keys(next) as LimitField[]).filter((field) => next[field] !== previous[field]);
      if (changed.length === 0) {
        throw new ConflictError('no_change', `The server already has these limits (cap ${describeCap(server.cpuCapPercent)}, weight ${server.cpuWeight}, network ${describeRate(server.networkRateMbit)}).`);
      }
      if (changed.includes('cpuCapPercent') || changed.includes('cpuWeight')) applied.cpu = server.state === 'running' ? 'live' : 'next-boot';
      if (changed.includes('networkRateMbit')) applied.network = server.state === 'running' ? 'live' : 'next-boot';
      Object.assign(server, next);
      await this.servers.saveServer(server, manager);
      const params: JobParams[JobType.SetServerLimits] = { changed, previous };
      const job = await this.jobs.insert(
        { customerId: server.customerId, serverId: server.id, hostId: server.hostId, type: JobType.SetServerLimits, params: params as unknown as Record<string, unknown>, requestedByUserId: actor.userId },
        manager,
      );
      return { server: toServerView(server, await this.servers.disksOf([server.id], manager)), job: toJobView(job) };
    });
    await this.dispatcher.dispatchLane(id);
    return { ...accepted, applied };
  }

  /** A request cancelled before its job ran: the limits it replaced come back (cancels run newest first, so they are exact). */
  private async cancel(job: Job, manager: EntityManager): Promise<void> {
    const server: Server | null = job.serverId ? await this.servers.lockById(job.serverId, manager) : null;
    if (!server) return;
    const { previous } = job.params as unknown as JobParams[JobType.SetServerLimits];
    Object.assign(server, previous);
    await this.servers.saveServer(server, manager);
  }
}

function describeCap(cap: number): string {
  return cap === CPU_CAP_NONE ? 'none' : `${cap}%`;
}

function describeRate(rate: number | null): string {
  return rate === null ? 'unlimited' : `${rate} Mbit/s`;
}

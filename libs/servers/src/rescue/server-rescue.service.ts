import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@carve/core';
import { Job, JobDispatcher, JobLifecycleHooks, JobParams, JobRepository, JobType, toJobView } from '@carve/jobs';
import { Actor, scopeOf, UserSshKeyService } from '@carve/tenancy';
import { EntityManager } from 'typeorm';
import type { AcceptedChange } from '../server-order.service';
import { assertActionAllowed } from '../server-state-machine';
import { Server, ServerState } from '../server.entity';
import { ServerRepository } from '../server.repository';
import { toServerView } from '../server.view';
import { rescueCmdline, rescueCmdlineProblem, rescueKeys } from './rescue-boot';
import { RescueImageSettings } from './rescue-image.settings';

/** How long entering or leaving rescue waits for a guest to shut down before destroying it (as stop's default). */
export const RESCUE_SHUTDOWN_TIMEOUT_SECONDS = 60;

/**
 * Booting a server into the rescue system and back. Each request locks the server, checks
 * the state machine, moves the server to entering_rescue / leaving_rescue and queues the job
 * in the server's lane, in one transaction (README: "Rescue mode").
 */
@Injectable()
export class ServerRescueService implements OnModuleInit {
  constructor(
    private readonly servers: ServerRepository,
    private readonly jobs: JobRepository,
    private readonly dispatcher: JobDispatcher,
    private readonly hooks: JobLifecycleHooks,
    private readonly sshKeys: UserSshKeyService,
    private readonly rescueImage: RescueImageSettings,
  ) {}

  onModuleInit(): void {
    this.hooks.onCancelled(JobType.EnterRescue, (job, manager) => this.undoRequest(job, manager, 'entering_rescue', (job.params as JobParams[JobType.EnterRescue]).previousState));
    this.hooks.onCancelled(JobType.ExitRescue, (job, manager) => this.undoRequest(job, manager, 'leaving_rescue', 'rescue'));
  }

  /**
   * Refused up front (409) when the keys would not fit the rescue kernel's command line:
   * a rescue nobody can log in to is worse than none. The job reads the keys again when it runs.
   */
  enter(actor: Actor, id: string): Promise<AcceptedChange> {
    return this.request(actor, id, 'rescue', async (server) => {
      const keys = rescueKeys(server.sshPublicKeys, await this.sshKeys.keysOfCustomer(server.customerId));
      const problem = rescueCmdlineProblem(rescueCmdline(this.rescueImage.image, server, keys));
      if (problem) throw new ConflictError('rescue_keys_too_long', `Cannot boot ${server.name} into rescue: ${problem}.`, { keys: keys.length });
      const params: JobParams[JobType.EnterRescue] = { previousState: server.state as 'running' | 'stopped', timeoutSeconds: RESCUE_SHUTDOWN_TIMEOUT_SECONDS };
      server.state = 'entering_rescue';
      return { type: JobType.EnterRescue, params };
    });
  }

  exit(actor: Actor, id: string): Promise<AcceptedChange> {
    return this.request(actor, id, 'rescue-exit', async (server) => {
      server.state = 'leaving_rescue';
      const params: JobParams[JobType.ExitRescue] = { timeoutSeconds: RESCUE_SHUTDOWN_TIMEOUT_SECONDS };
      return { type: JobType.ExitRescue, params };
    });
  }

  private async request(
    actor: Actor,
    id: string,
    action: 'rescue' | 'rescue-exit',
    plan: (server: Server) => Promise<{ type: JobType; params: JobParams[JobType.EnterRescue] | JobParams[JobType.ExitRescue] }>,
  ): Promise<AcceptedChange> {
    const accepted = await this.servers.transaction(async (manager) => {
      const server = await this.servers.lockInScope(scopeOf(actor), id, manager);
      if (!server) throw new NotFoundError('server', id);
      assertActionAllowed(server.state, action);
      const { type, params } = await plan(server);
      await this.servers.saveServer(server, manager);
      const job = await this.jobs.insert(
        { customerId: server.customerId, serverId: server.id, hostId: server.hostId, type, params: params as unknown as Record<string, unknown>, requestedByUserId: actor.userId },
        manager,
      );
      return { server: toServerView(server, await this.servers.disksOf([server.id], manager)), job: toJobView(job) };
    });
    await this.dispatcher.dispatchLane(id);
    return accepted;
  }

  /** A request cancelled before its job ran: the server returns to where it was (nothing happened on the host). */
  private async undoRequest(job: Job, manager: EntityManager, asked: ServerState, previous: ServerState): Promise<void> {
    const server = job.serverId ? await this.servers.lockById(job.serverId, manager) : null;
    if (!server || server.state !== asked) return;
    server.state = previous;
    await this.servers.saveServer(server, manager);
  }
}

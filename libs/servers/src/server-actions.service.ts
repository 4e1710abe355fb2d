import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { JobDispatcher, JobParams, JobRepository, JobType, toJobView } from '@carve/jobs';
import { Actor, scopeOf } from '@carve/tenancy';
import { EntityManager } from 'typeorm';
import { diskProblems, DiskRequest, MAX_DISKS } from './server-order.rules';
import { AcceptedChange } from './server-order.service';
import { ServerReservations } from './server-reservations';
import { assertActionAllowed, ServerAction } from './server-state-machine';
import { volumeNameFor } from './server-naming';
import { ServerDisk } from './server-disk.entity';
import { Server } from './server.entity';
import { ServerRepository } from './server.repository';
import { toServerView } from './server.view';

interface JobRequest<T extends JobType = JobType> {
  type: T;
  params: JobParams[T];
}

export interface ResizeResult {
  server: AcceptedChange['server'];
  jobs: AcceptedChange['job'][];
  /** For each resource changed: live (applied to the running domain) or next-boot (in its config, applied when it next starts). */
  applied: { memory?: 'live' | 'next-boot'; vcpus?: 'live' | 'next-boot' };
}

/** The first free xvd letter, so removing and adding disks never runs past xvdz. */
function lowestFreePosition(taken: number[]): number {
  let position = 0;
  while (taken.includes(position)) position++;
  return position;
}

/**
 * Everything a customer does to an existing server. Each request locks the server row,
 * checks the state machine, adjusts reservations, and queues one job in the server's
 * lane, in one transaction; the answer is 202 with the job.
 */
@Injectable()
export class ServerActionsService {
  constructor(
    private readonly servers: ServerRepository,
    private readonly reservations: ServerReservations,
    private readonly jobs: JobRepository,
    private readonly dispatcher: JobDispatcher,
  ) {}

  start(actor: Actor, id: string): Promise<AcceptedChange> {
    return this.request(actor, id, 'start', async () => ({ type: JobType.StartServer, params: {} }));
  }

  stop(actor: Actor, id: string, timeoutSeconds = 60): Promise<AcceptedChange> {
    return this.request(actor, id, 'stop', async () => ({ type: JobType.StopServer, params: { timeoutSeconds } }));
  }

  reboot(actor: Actor, id: string): Promise<AcceptedChange> {
    return this.request(actor, id, 'reboot', async () => ({ type: JobType.RebootServer, params: {} }));
  }

  /**
   * Memory and/or vCPUs, in one transaction (both change or neither). Each applies live
   * (xl mem-set / vcpu-set) up to the server's maximum on a running server; above it the
   * maximum grows too and the change applies at the next boot. A value the server already
   * has is left alone; asking for no change at all is a 409.
   */
  async resize(actor: Actor, id: string, wanted: { memoryMiB?: number; vcpus?: number }): Promise<ResizeResult> {
    const applied: ResizeResult['applied'] = {};
    const accepted = await this.requestJobs(actor, id, 'resize', async (manager, server) => {
      const memoryMiB = wanted.memoryMiB !== undefined && wanted.memoryMiB !== server.memoryMiB ? wanted.memoryMiB : undefined;
      const vcpus = wanted.vcpus !== undefined && wanted.vcpus !== server.vcpus ? wanted.vcpus : undefined;
      if (memoryMiB === undefined && vcpus === undefined) {
        throw new ConflictError('no_change', `The server already has ${server.memoryMiB} MiB and ${server.vcpus} vCPUs.`);
      }
      const previousPendingReboot = server.pendingReboot;
      await this.reservations.adjust(manager, server, { memoryMiB: (memoryMiB ?? server.memoryMiB) - server.memoryMiB, vcpus: (vcpus ?? server.vcpus) - server.vcpus, diskGiB: 0 });
      const jobs: JobRequest[] = [];
      if (memoryMiB !== undefined) {
        const previous = { previousMemoryMiB: server.memoryMiB, previousMaxMemoryMiB: server.maxMemoryMiB, previousPendingReboot };
        const live = server.state === 'running' && memoryMiB <= server.maxMemoryMiB;
        applied.memory = live ? 'live' : 'next-boot';
        server.memoryMiB = memoryMiB;
        server.maxMemoryMiB = Math.max(server.maxMemoryMiB, memoryMiB);
        if (!live && server.state === 'running') server.pendingReboot = true;
        jobs.push({ type: JobType.ResizeMemory, params: { memoryMiB, ...previous, live } });
      }
      if (vcpus !== undefined) {
        const previous = { previousVcpus: server.vcpus, previousMaxVcpus: server.maxVcpus, previousPendingReboot };
        const live = server.state === 'running' && vcpus <= server.maxVcpus;
        applied.vcpus = live ? 'live' : 'next-boot';
        server.vcpus = vcpus;
        server.maxVcpus = Math.max(server.maxVcpus, vcpus);
        if (!live && server.state === 'running') server.pendingReboot = true;
        jobs.push({ type: JobType.ResizeVcpus, params: { vcpus, ...previous, live } });
      }
      await this.servers.saveServer(server, manager);
      return jobs;
    });
    return { ...accepted, applied };
  }

  /** Grows a disk: the LV, then its filesystem. Shrinking is refused: no filesystem carve offers can shrink safely online. */
  growDisk(actor: Actor, id: string, diskId: string, sizeGiB: number): Promise<AcceptedChange> {
    return this.request(actor, id, 'grow-disk', async (manager, server) => {
      const disk = await this.requireDisk(manager, server, diskId);
      if (sizeGiB < disk.sizeGiB) {
        throw new InvalidInputError([{ field: 'sizeGiB', message: `disks can only grow: ${disk.label} has ${disk.sizeGiB} GiB; shrinking is refused` }]);
      }
      if (sizeGiB === disk.sizeGiB) throw new ConflictError('no_change', `Disk ${disk.label} already has ${sizeGiB} GiB.`);
      await this.reservations.adjust(manager, server, { memoryMiB: 0, vcpus: 0, diskGiB: sizeGiB - disk.sizeGiB });
      const previousSizeGiB = disk.sizeGiB;
      disk.sizeGiB = sizeGiB;
      await this.servers.saveDisk(disk, manager);
      return { type: JobType.GrowDisk, params: { diskId, sizeGiB, previousSizeGiB } };
    });
  }

  addDisk(actor: Actor, id: string, request: DiskRequest): Promise<AcceptedChange> {
    return this.request(actor, id, 'add-disk', async (manager, server) => {
      if (request.role === 'root') throw new InvalidInputError([{ field: 'role', message: 'roots are chosen at order time; add data or swap disks' }]);
      const problems = diskProblems(request, 'body');
      if (problems.length > 0) throw new InvalidInputError(problems.map((p) => ({ ...p, field: p.field.replace(/^body\./, '') })));
      const disks = await this.servers.disksOf([server.id], manager);
      if (disks.length >= MAX_DISKS) throw new ConflictError('too_many_disks', `A server has at most ${MAX_DISKS} disks.`);
      if (disks.some((d) => d.label.toLowerCase() === request.label.toLowerCase())) {
        throw new ConflictError('duplicate_disk_label', `The server already has a disk labelled "${request.label}".`, { fields: [{ field: 'label', message: 'is already taken' }] });
      }
      await this.reservations.adjust(manager, server, { memoryMiB: 0, vcpus: 0, diskGiB: request.sizeGiB });
      const [disk] = await this.servers.insertDisks(
        [
          {
            serverId: server.id,
            customerId: server.customerId,
            label: request.label,
            role: request.role,
            filesystem: request.filesystem,
            sizeGiB: request.sizeGiB,
            inodes: request.inodes ?? null,
            bytesPerInode: request.bytesPerInode ?? null,
            volumeName: volumeNameFor(server.domainName, request.label),
            position: lowestFreePosition(disks.map((d) => d.position)),
            state: 'pending',
          },
        ],
        manager,
      );
      return { type: JobType.AddDisk, params: { diskId: disk!.id } };
    });
  }

  /** Removing a disk destroys its data, so the request must repeat the disk's label as confirmation. */
  removeDisk(actor: Actor, id: string, diskId: string, confirmLabel: string): Promise<AcceptedChange> {
    return this.request(actor, id, 'remove-disk', async (manager, server) => {
      const disk = await this.requireDisk(manager, server, diskId);
      if (confirmLabel !== disk.label) {
        throw new InvalidInputError([{ field: 'confirmLabel', message: `must repeat the disk's label ("${disk.label}") to confirm its data is destroyed` }]);
      }
      if (disk.role === 'root') throw new ConflictError('root_disk', 'Root disks cannot be removed; delete the server instead.');
      disk.state = 'removing';
      await this.servers.saveDisk(disk, manager);
      return { type: JobType.RemoveDisk, params: { diskId } };
    });
  }

  /** Boots the standby root next time (pygrub boots the first disk, so the disks are reordered). */
  switchRoot(actor: Actor, id: string): Promise<AcceptedChange> {
    return this.request(actor, id, 'switch-root', async (manager, server) => {
      const roots = (await this.servers.disksOf([server.id], manager)).filter((d) => d.role === 'root');
      const standby = roots.find((d) => d.id !== server.activeRootDiskId);
      if (!standby) throw new ConflictError('no_standby_root', 'This server has one root disk; order it with a second root to switch.');
      // The active root changes when the job runs, so a second request now would pick the same target.
      if (await this.jobs.hasUnfinished(server.id, JobType.SwitchRoot, manager)) {
        throw new ConflictError('switch_root_pending', 'A root switch is already queued for this server; wait for it to finish.');
      }
      return { type: JobType.SwitchRoot, params: { rootDiskId: standby.id } };
    });
  }

  delete(actor: Actor, id: string): Promise<AcceptedChange> {
    return this.request(actor, id, 'delete', async (manager, server) => {
      const previousState = server.state;
      server.state = 'deleting';
      await this.servers.saveServer(server, manager);
      return { type: JobType.DeleteServer, params: { previousState } };
    });
  }

  private async requireDisk(manager: EntityManager, server: Server, diskId: string): Promise<ServerDisk> {
    const disk = (await this.servers.disksOf([server.id], manager)).find((d) => d.id === diskId);
    if (!disk) throw new NotFoundError('disk', diskId);
    if (disk.state !== 'present') throw new ConflictError('disk_busy', `Disk ${disk.label} is ${disk.state}; wait for its job to finish.`);
    return disk;
  }

  private async request(actor: Actor, id: string, action: ServerAction, plan: (manager: EntityManager, server: Server) => Promise<JobRequest>): Promise<AcceptedChange> {
    const { server, jobs } = await this.requestJobs(actor, id, action, async (manager, locked) => [await plan(manager, locked)]);
    return { server, job: jobs[0]! };
  }

  /** Locks the server, checks the state machine, lets `plan` change it, and queues its jobs in order, all in one transaction. */
  private async requestJobs(actor: Actor, id: string, action: ServerAction, plan: (manager: EntityManager, server: Server) => Promise<JobRequest[]>): Promise<Omit<ResizeResult, 'applied'>> {
    let accepted: Omit<ResizeResult, 'applied'>;
    try {
      accepted = await this.servers.transaction(async (manager) => {
        const server = await this.servers.lockInScope(scopeOf(actor), id, manager);
        if (!server) throw new NotFoundError('server', id);
        assertActionAllowed(server.state, action);
        const requests = await plan(manager, server);
        const jobs = [];
        for (const { type, params } of requests) {
          jobs.push(
            await this.jobs.insert(
              { customerId: server.customerId, serverId: server.id, hostId: server.hostId, type, params: params as Record<string, unknown>, requestedByUserId: actor.userId },
              manager,
            ),
          );
        }
        return { server: toServerView(server, await this.servers.disksOf([server.id], manager)), jobs: jobs.map(toJobView) };
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'server_disks_label_key') {
        throw new ConflictError('duplicate_disk_label', 'The server already has a disk with that label.', { fields: [{ field: 'label', message: 'is already taken' }] });
      }
      throw error;
    }
    await this.dispatcher.dispatchLane(id);
    return accepted;
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, InvalidInputError, parseSshPublicKey } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_UNIQUE_VIOLATION } from '@carve/database';
import { JobDispatcher, JobRepository, JobType, toJobView, JobView } from '@carve/jobs';
import { Actor } from '@carve/tenancy';
import { EntityManager } from 'typeorm';
import { checkOrderDisks, DiskRequest, inBootOrder } from './server-order.rules';
import { ServerReservations } from './server-reservations';
import { domainNameFor, volumeNameFor } from './server-naming';
import { ServerRepository } from './server.repository';
import { toServerView, ServerView } from './server.view';

export interface ServerOrder {
  name: string;
  poolId: string;
  imageId: string;
  memoryMiB: number;
  maxMemoryMiB?: number;
  vcpus: number;
  maxVcpus?: number;
  /** OpenSSH public key lines; each is parsed again here and stored normalised. */
  sshKeys: string[];
  disks: DiskRequest[];
}

export interface AcceptedChange {
  server: ServerView;
  job: JobView;
}

/**
 * Taking an order: pool headroom and a host are reserved, the server and its disks are
 * recorded as `pending` and the create job is queued, all in one transaction. The worker
 * builds the server on the Dom0 afterwards.
 */
@Injectable()
export class ServerOrderService {
  constructor(
    private readonly servers: ServerRepository,
    private readonly reservations: ServerReservations,
    private readonly jobs: JobRepository,
    private readonly dispatcher: JobDispatcher,
  ) {}

  async order(actor: Actor, order: ServerOrder): Promise<AcceptedChange> {
    if (actor.customerId === null) throw new ForbiddenError('Servers belong to customers: order with a customer token.');
    const customerId = actor.customerId;
    checkOrderDisks(order.disks);
    const maxMemoryMiB = order.maxMemoryMiB ?? order.memoryMiB;
    const maxVcpus = order.maxVcpus ?? order.vcpus;
    const sizeProblems = [
      maxMemoryMiB < order.memoryMiB ? { field: 'maxMemoryMiB', message: `must be at least memoryMiB (${order.memoryMiB})` } : null,
      maxVcpus < order.vcpus ? { field: 'maxVcpus', message: `must be at least vcpus (${order.vcpus})` } : null,
    ].filter((p): p is { field: string; message: string } => p !== null);
    if (sizeProblems.length > 0) throw new InvalidInputError(sizeProblems);
    const diskGiB = order.disks.reduce((sum, d) => sum + d.sizeGiB, 0);

    const accepted = await this.saving(order.name, () =>
      this.servers.transaction(async (manager) => {
        await this.requireImage(manager, order.imageId);
        const { host } = await this.reservations.reserveForOrder(manager, { customerId, poolId: order.poolId, memoryMiB: order.memoryMiB, vcpus: order.vcpus, diskGiB });
        const id = randomUUID();
        const domainName = domainNameFor(order.name, id);
        // Ids made here, so the server row names its root disk when it is inserted (the foreign
        // key is checked at commit) and the server and its disks take one INSERT each.
        const disks = inBootOrder(order.disks).map((d, position) => ({
          id: randomUUID(),
          serverId: id,
          customerId,
          label: d.label,
          role: d.role,
          filesystem: d.filesystem,
          sizeGiB: d.sizeGiB,
          inodes: d.inodes ?? null,
          bytesPerInode: d.bytesPerInode ?? null,
          volumeName: volumeNameFor(domainName, d.label),
          position,
          state: 'pending' as const,
        }));
        const server = await this.servers.insertServer(
          {
            id,
            customerId,
            poolId: order.poolId,
            hostId: host.id,
            imageId: order.imageId,
            name: order.name,
            domainName,
            state: 'pending',
            memoryMiB: order.memoryMiB,
            maxMemoryMiB,
            vcpus: order.vcpus,
            maxVcpus,
            sshPublicKeys: order.sshKeys.map((key) => parseSshPublicKey(key).line),
            activeRootDiskId: disks[0]!.id,
            pendingReboot: false,
            holdsReservation: true,
            failureReason: null,
            deletedAt: null,
          },
          manager,
        );
        const savedDisks = await this.servers.insertDisks(disks, manager);
        const job = await this.jobs.insert(
          { customerId, serverId: id, hostId: host.id, type: JobType.CreateServer, params: {}, requestedByUserId: actor.userId },
          manager,
        );
        return { server: toServerView(server, savedDisks), job: toJobView(job) };
      }),
    );
    await this.dispatcher.dispatchLane(accepted.server.id);
    return accepted;
  }

  private async requireImage(manager: EntityManager, imageId: string): Promise<void> {
    // KEY SHARE: an image cannot be deleted between this check and the order's commit.
    const found: unknown[] = await manager.query('SELECT 1 FROM images WHERE id = $1 AND deleted_at IS NULL FOR KEY SHARE', [imageId]);
    if (found.length === 0) {
      throw new InvalidInputError([{ field: 'imageId', message: 'names no image; see GET /v1/images' }]);
    }
  }

  private async saving<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === 'servers_customer_name_key') {
        throw new ConflictError('duplicate_server_name', `You already have a server named "${name}".`, { fields: [{ field: 'name', message: 'is already taken' }] });
      }
      throw error;
    }
  }
}

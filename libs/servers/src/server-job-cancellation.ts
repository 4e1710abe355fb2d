import { Injectable, OnModuleInit } from '@nestjs/common';
import { Job, JobLifecycleHooks, JobParams, JobType } from '@carve/jobs';
import { EntityManager } from 'typeorm';
import { ServerReservations } from './server-reservations';
import { ServerState } from './server.entity';
import { ServerRepository } from './server.repository';

/**
 * Undoes, in the cancelling transaction, what a server request changed before its job
 * ran: an order gives its reservation back, a resize returns to the old size, a delete
 * returns the server to the state it had.
 */
@Injectable()
export class ServerJobCancellation implements OnModuleInit {
  constructor(
    private readonly hooks: JobLifecycleHooks,
    private readonly servers: ServerRepository,
    private readonly reservations: ServerReservations,
  ) {}

  onModuleInit(): void {
    this.hooks.onCancelled(JobType.CreateServer, (job, m) => this.cancelOrder(job, m));
    this.hooks.onCancelled(JobType.ResizeMemory, (job, m) => this.cancelResizeMemory(job, m));
    this.hooks.onCancelled(JobType.ResizeVcpus, (job, m) => this.cancelResizeVcpus(job, m));
    this.hooks.onCancelled(JobType.GrowDisk, (job, m) => this.cancelGrowDisk(job, m));
    this.hooks.onCancelled(JobType.AddDisk, (job, m) => this.cancelAddDisk(job, m));
    this.hooks.onCancelled(JobType.RemoveDisk, (job, m) => this.cancelRemoveDisk(job, m));
    this.hooks.onCancelled(JobType.DeleteServer, (job, m) => this.cancelDelete(job, m));
  }

  private async server(job: Job, manager: EntityManager) {
    return job.serverId ? this.servers.lockById(job.serverId, manager) : null;
  }

  private async cancelOrder(job: Job, manager: EntityManager): Promise<void> {
    const server = await this.server(job, manager);
    if (!server) return;
    await this.reservations.releaseAll(manager, server);
    server.state = 'deleted';
    server.deletedAt = new Date();
    server.failureReason = 'order cancelled before provisioning started';
    await this.servers.saveServer(server, manager);
  }

  private async cancelResizeMemory(job: Job, manager: EntityManager): Promise<void> {
    const server = await this.server(job, manager);
    const params = job.params as JobParams[JobType.ResizeMemory];
    if (!server) return;
    await this.reservations.adjust(manager, server, { memoryMiB: params.previousMemoryMiB - server.memoryMiB, vcpus: 0, diskGiB: 0 });
    server.memoryMiB = params.previousMemoryMiB;
    server.maxMemoryMiB = params.previousMaxMemoryMiB;
    server.pendingReboot = params.previousPendingReboot;
    await this.servers.saveServer(server, manager);
  }

  private async cancelResizeVcpus(job: Job, manager: EntityManager): Promise<void> {
    const server = await this.server(job, manager);
    const params = job.params as JobParams[JobType.ResizeVcpus];
    if (!server) return;
    await this.reservations.adjust(manager, server, { memoryMiB: 0, vcpus: params.previousVcpus - server.vcpus, diskGiB: 0 });
    server.vcpus = params.previousVcpus;
    server.maxVcpus = params.previousMaxVcpus;
    server.pendingReboot = params.previousPendingReboot;
    await this.servers.saveServer(server, manager);
  }

  private async cancelGrowDisk(job: Job, manager: EntityManager): Promise<void> {
    const server = await this.server(job, manager);
    const params = job.params as JobParams[JobType.GrowDisk];
    const disk = server && (await this.servers.disksOf([server.id], manager)).find((d) => d.id === params.diskId);
    if (!server || !disk) return;
    await this.reservations.adjust(manager, server, { memoryMiB: 0, vcpus: 0, diskGiB: params.previousSizeGiB - disk.sizeGiB });
    disk.sizeGiB = params.previousSizeGiB;
    await this.servers.saveDisk(disk, manager);
  }

  private async cancelAddDisk(job: Job, manager: EntityManager): Promise<void> {
    const server = await this.server(job, manager);
    const params = job.params as JobParams[JobType.AddDisk];
    const disk = server && (await this.servers.disksOf([server.id], manager)).find((d) => d.id === params.diskId);
    if (!server || !disk) return;
    await this.reservations.adjust(manager, server, { memoryMiB: 0, vcpus: 0, diskGiB: -disk.sizeGiB });
    disk.state = 'removed';
    await this.servers.saveDisk(disk, manager);
  }

  private async cancelRemoveDisk(job: Job, manager: EntityManager): Promise<void> {
    const server = await this.server(job, manager);
    const params = job.params as JobParams[JobType.RemoveDisk];
    const disk = server && (await this.servers.disksOf([server.id], manager)).find((d) => d.id === params.diskId);
    if (!disk) return;
    disk.state = 'present';
    await this.servers.saveDisk(disk, manager);
  }

  private async cancelDelete(job: Job, manager: EntityManager): Promise<void> {
    const server = await this.server(job, manager);
    if (!server) return;
    server.state = (job.params as JobParams[JobType.DeleteServer]).previousState as ServerState;
    await this.servers.saveServer(server, manager);
  }
}

import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@carve/core';
import { HostRepository } from '@carve/inventory';
import { changedPolicy, HostIoPolicy, HostIoPolicyChange } from './io-policy';
import { HostIoPolicyRepository } from './io-policy.repository';

/** The per-host rules of the IO impact report, read and changed by operators. */
@Injectable()
export class HostIoPolicyService {
  constructor(
    private readonly policies: HostIoPolicyRepository,
    private readonly hosts: HostRepository,
  ) {}

  async get(hostId: string): Promise<HostIoPolicy> {
    await this.requireHost(hostId);
    return this.policies.forHost(hostId);
  }

  async change(hostId: string, change: HostIoPolicyChange): Promise<HostIoPolicy> {
    await this.requireHost(hostId);
    return this.policies.save(changedPolicy(await this.policies.forHost(hostId), change));
  }

  private async requireHost(id: string): Promise<void> {
    if (!(await this.hosts.findById(id))) throw new NotFoundError('host', id);
  }
}

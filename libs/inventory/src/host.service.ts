import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { pgConstraint, pgErrorCode, PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION } from '@carve/database';
import { allocatableMemoryMiB, hostCapacity, HostCapacity, vcpuCapacity } from './host-capacity';
import { EntityManager } from 'typeorm';
import { Host } from './host.entity';
import { HostFilter, HostRepository } from './host.repository';

/** The fields an operator sets when registering or changing a host. */
export type HostInput = Pick<
  Host,
  | 'name'
  | 'sshAddress'
  | 'sshPort'
  | 'sshUser'
  | 'hostKeyFingerprint'
  | 'cpuThreads'
  | 'vcpuOvercommitRatio'
  | 'totalMemoryMiB'
  | 'dom0MemoryMiB'
  | 'volumeGroup'
  | 'volumeGroupSizeGiB'
  | 'transferAllowanceGB'
  | 'uplinkMbit'
  | 'monthlyCostMinor'
  | 'currency'
  | 'location'
  | 'status'
  | 'dedicatedCustomerId'
>;

const UNIQUE_FIELDS: Record<string, { code: string; field: string; what: string }> = {
  hosts_name_key: { code: 'duplicate_host_name', field: 'name', what: 'name' },
  hosts_ssh_endpoint_key: { code: 'duplicate_host_address', field: 'sshAddress', what: 'SSH address and port' },
};

@Injectable()
export class HostService {
  constructor(private readonly hosts: HostRepository) {}

  async register(input: Partial<HostInput> & Omit<HostInput, 'sshPort' | 'sshUser' | 'vcpuOvercommitRatio' | 'location' | 'status' | 'dedicatedCustomerId'>): Promise<Host> {
    const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    const host = Object.assign(new Host(), { sshPort: 22, sshUser: 'root', vcpuOvercommitRatio: '4.00', location: null, status: 'active', dedicatedCustomerId: null }, given);
    await this.checkConsistent(host);
    return this.saving(() => this.hosts.insert(host));
  }

  async list(page: PageRequest, filter: HostFilter): Promise<Page<Host>> {
    return toPage(await this.hosts.list(page, filter), page.limit, (h) => h);
  }

  async get(id: string): Promise<Host> {
    const host = await this.hosts.findById(id);
    if (!host) throw new NotFoundError('host', id);
    return host;
  }

  async capacity(id: string): Promise<HostCapacity> {
    return hostCapacity(await this.get(id));
  }

  /** Changes a host under its row lock, so a concurrent placement sees either the old or the new size. */
  async update(id: string, changes: Partial<HostInput>): Promise<Host> {
    return this.saving(() =>
      this.hosts.transaction(async (manager) => {
        const host = await this.hosts.lockById(id, manager);
        if (!host) throw new NotFoundError('host', id);
        const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
        if ('dedicatedCustomerId' in defined && defined.dedicatedCustomerId !== host.dedicatedCustomerId) {
          await this.checkRededication(host, (defined.dedicatedCustomerId as string | null) ?? null, manager);
        }
        Object.assign(host, defined);
        await this.checkConsistent(host);
        return this.hosts.save(host, manager);
      }),
    );
  }

  async remove(id: string): Promise<void> {
    const host = await this.get(id);
    try {
      if (await this.hosts.deleteIfEmpty(id)) return;
    } catch (error) {
      if (pgErrorCode(error) !== PG_FOREIGN_KEY_VIOLATION) throw error;
      // Deleted servers and pools keep their rows (billing, audit), and they name their host.
      throw new ConflictError('host_has_history', `Servers or pools that lived on host ${host.name} still refer to it. Set its status to retired instead; it then takes nothing new.`);
    }
    throw new ConflictError(
      'host_in_use',
      `Host ${host.name} still has ${host.serverCount} server(s). Set its status to draining, move or delete its servers, then delete it.`,
      { serverCount: host.serverCount },
    );
  }

  /**
   * A host changes hands only when nothing of another tenant is on it: a dedicated pool
   * claims the whole host, and servers of other customers would end up on someone's
   * dedicated machine.
   */
  private async checkRededication(host: Host, to: string | null, manager: EntityManager): Promise<void> {
    const occupants = await this.hosts.occupants(host.id, manager);
    if (occupants.dedicatedPoolCustomerId !== null) {
      throw new ConflictError('host_has_dedicated_pool', `Host ${host.name} carries a dedicated pool of its customer; that pool must be deleted before the host is shared or given to another customer.`, {
        fields: [{ field: 'dedicatedCustomerId', message: 'cannot change while a dedicated pool uses the host' }],
      });
    }
    const others = occupants.serverCustomerIds.filter((c) => c !== to);
    if (to !== null && others.length > 0) {
      throw new ConflictError('host_has_other_servers', `Host ${host.name} runs servers of ${others.length} other customer(s); move or delete them before dedicating it.`, {
        fields: [{ field: 'dedicatedCustomerId', message: 'other customers have servers on this host' }],
      });
    }
  }

  /** Rules that span fields, or the host's current allocation. */
  private async checkConsistent(host: Host): Promise<void> {
    const problems: { field: string; message: string }[] = [];
    if (host.dom0MemoryMiB >= host.totalMemoryMiB) {
      problems.push({ field: 'dom0MemoryMiB', message: `must be less than totalMemoryMiB (${host.totalMemoryMiB})` });
    } else if (allocatableMemoryMiB(host) < host.allocatedMemoryMiB) {
      problems.push({ field: 'totalMemoryMiB', message: `would leave less allocatable memory than servers use (${host.allocatedMemoryMiB} MiB)` });
    }
    if (host.volumeGroupSizeGiB < host.allocatedDiskGiB) {
      problems.push({ field: 'volumeGroupSizeGiB', message: `is below the ${host.allocatedDiskGiB} GiB servers use` });
    }
    if (vcpuCapacity(host.cpuThreads, host.vcpuOvercommitRatio) < host.allocatedVcpus) {
      problems.push({ field: 'cpuThreads', message: `with this overcommit ratio gives fewer vCPUs than the ${host.allocatedVcpus} allocated` });
    }
    if (host.dedicatedCustomerId && !(await this.hosts.customerExists(host.dedicatedCustomerId))) {
      problems.push({ field: 'dedicatedCustomerId', message: 'names no customer' });
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
  }

  private async saving<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const unique = UNIQUE_FIELDS[pgConstraint(error) ?? ''];
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION && unique) {
        throw new ConflictError(unique.code, `Another host already has this ${unique.what}.`, { fields: [{ field: unique.field, message: 'is already taken' }] });
      }
      throw error;
    }
  }
}

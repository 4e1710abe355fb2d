import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, Page, PageRequest, toPage } from '@carve/core';
import { HostRepository } from '@carve/inventory';
import { DriftFinding } from './drift-finding.entity';
import { DriftFindingFilter, DriftFindingRepository } from './drift-finding.repository';
import { ReconcileRequests } from './reconcile-requests';

/** The operator's side: read the findings, ask for a host to be looked at now. */
@Injectable()
export class DriftFindingService {
  constructor(
    private readonly findings: DriftFindingRepository,
    private readonly hosts: HostRepository,
    private readonly requests: ReconcileRequests,
  ) {}

  async list(page: PageRequest, filter: DriftFindingFilter): Promise<Page<DriftFinding>> {
    const rows = await this.findings.list(page, filter);
    // The keyset is (first_seen_at, id): the cursor carries first_seen_at as its time.
    return toPage(
      rows.map((row) => Object.assign(row, { createdAt: row.firstSeenAt })),
      page.limit,
      ({ createdAt: _c, ...finding }) => finding as DriftFinding,
    );
  }

  /** Queues a pass over one host for the worker (SSH lives there); answers before it runs. */
  async requestHostPass(hostId: string, now: Date): Promise<{ hostId: string; requestedAt: Date }> {
    const host = await this.hosts.findById(hostId);
    if (!host) throw new NotFoundError('host', hostId);
    if (host.status === 'retired') throw new ConflictError('host_retired', `Host ${host.name} is retired; the reconciler no longer looks at it.`, { hostStatus: host.status });
    await this.requests.requestHost(hostId);
    return { hostId, requestedAt: now };
  }
}

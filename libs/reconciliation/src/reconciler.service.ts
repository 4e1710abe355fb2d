import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@carve/core';
import type { Host } from '@carve/inventory';
import { DriftKind } from './drift-finding.entity';
import { DriftFindingRepository } from './drift-finding.repository';
import type { DriftObservation } from './drift-observation';
import { detectHostDrift } from './host-drift.detector';
import { HostProbe } from './host-probe';
import { HostViewRepository } from './host-view.repository';
import { JobRecovery } from './job-recovery.service';

/** Servers deleted this recently still own what their delete may have been removing when the host was listed. */
export const DELETED_GRACE_MS = 10 * 60_000;
/** Jobs that finished this shortly before a host was listed may have changed it after; allows for clocks a little apart. */
const LISTING_MARGIN_MS = 5_000;
/** Hosts looked at at once: the SSH pool bounds channels per host, this bounds a pass's share of the worker. */
const HOSTS_AT_ONCE = 8;

const HOST_KINDS: DriftKind[] = ['host_unreachable', 'unknown_domain', 'server_not_running', 'orphan_volume'];

export interface PassSummary {
  hosts: number;
  unreachable: number;
  opened: number;
  stillOpen: number;
  resolved: number;
  requeuedJobs: number;
  redispatchedJobs: number;
  durationMs: number;
}

/**
 * One reconciliation pass: every host that is not retired (or the ones asked for) is
 * listed with `xl list` and `lvs` and compared with carve's servers and disks; the
 * differences are recorded as drift findings. It reports and never acts on a host:
 * the operator decides what to do with a stray domain or an orphan volume. The only
 * thing it repairs is carve's own job queue (stuck or lost jobs).
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger('reconciler');

  constructor(
    private readonly probe: HostProbe,
    private readonly view: HostViewRepository,
    private readonly findings: DriftFindingRepository,
    private readonly recovery: JobRecovery,
    private readonly clock: Clock,
  ) {}

  async runPass(options: { hostIds?: string[] } = {}): Promise<PassSummary> {
    const started = Date.now();
    const summary: PassSummary = { hosts: 0, unreachable: 0, opened: 0, stillOpen: 0, resolved: 0, requeuedJobs: 0, redispatchedJobs: 0, durationMs: 0 };
    const hosts = await this.view.hostsToProbe(options.hostIds);
    summary.hosts = hosts.length;

    const queue = [...hosts];
    const lanes = Array.from({ length: Math.min(HOSTS_AT_ONCE, queue.length) }, async () => {
      for (let host = queue.shift(); host; host = queue.shift()) {
        const outcome = await this.reconcileHost(host).catch((error: Error) => {
          // A database hiccup on one host must not end the pass for the others.
          this.logger.error(`reconciling host ${host!.name} failed: ${error.message}`);
          return null;
        });
        if (!outcome) continue;
        if (outcome.unreachable) summary.unreachable += 1;
        this.add(summary, outcome);
      }
    });
    await Promise.all(lanes);

    const jobs = await this.recovery.recover();
    summary.requeuedJobs = jobs.requeued;
    summary.redispatchedJobs = jobs.redispatched;
    this.add(summary, await this.findings.sync({ kinds: ['stuck_job'] }, jobs.stuck, this.clock.now()));
    summary.durationMs = Date.now() - started;
    return summary;
  }

  private async reconcileHost(host: Host): Promise<{ unreachable: boolean; opened: number; stillOpen: number; resolved: number }> {
    const listedAt = this.clock.now();
    let listing;
    try {
      const [domains, volumes] = await Promise.all([this.probe.listDomains(host), this.probe.listVolumes(host)]);
      listing = { domains, volumes };
    } catch (error) {
      // What is on an unreachable host is unknown: its other findings stay as they were.
      const e = error as { code?: unknown; message?: unknown };
      const observed: DriftObservation = {
        hostId: host.id,
        kind: 'host_unreachable',
        subject: `${host.sshAddress}:${host.sshPort}`,
        details: { code: typeof e?.code === 'string' ? e.code : 'probe_failed', message: typeof e?.message === 'string' ? e.message : String(error) },
      };
      return { unreachable: true, ...(await this.findings.sync({ hostId: host.id, kinds: ['host_unreachable'] }, [observed], this.clock.now())) };
    }
    const now = this.clock.now();
    const servers = await this.view.serversOn(host.id, new Date(listedAt.getTime() - LISTING_MARGIN_MS), new Date(now.getTime() - DELETED_GRACE_MS));
    const observed = detectHostDrift(host.id, listing, servers);
    await this.annotateOrphans(host.id, observed);
    return { unreachable: false, ...(await this.findings.sync({ hostId: host.id, kinds: HOST_KINDS }, observed, now)) };
  }

  /** Names the carve disk an orphan LV belonged to, when one did (e.g. a delete whose undo failed). */
  private async annotateOrphans(hostId: string, observed: DriftObservation[]): Promise<void> {
    const orphans = observed.filter((o) => o.kind === 'orphan_volume');
    const owners = await this.view.formerOwners(
      hostId,
      orphans.map((o) => o.subject),
    );
    for (const orphan of orphans) {
      const owner = owners.get(orphan.subject);
      if (owner) orphan.details.formerOwner = owner;
    }
  }

  private add(summary: PassSummary, counts: { opened: number; stillOpen: number; resolved: number }): void {
    summary.opened += counts.opened;
    summary.stillOpen += counts.stillOpen;
    summary.resolved += counts.resolved;
  }
}

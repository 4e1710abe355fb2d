import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '@carve/core';
import type { Host } from '@carve/inventory';
import { DriftFindingRepository } from '@carve/reconciliation';
import { MeteredServers } from '@carve/servers';
import { XenParseError } from '@carve/xen';
import { HostIngestResult, UsageIngest } from '../ingest/usage-ingest.service';
import { METERING_DOM0, MeteringDom0 } from './metering-dom0';

export type CollectOutcome =
  | ({ status: 'collected' } & HostIngestResult)
  /** The reading was malformed: rejected whole, the cursors kept, so the next good reading covers the interval. */
  | { status: 'rejected'; reason: string }
  /** The host did not answer: a missed sample is a gap, covered by the next reading's span (never retried, never zeros). */
  | { status: 'unreachable'; reason: string };

/**
 * Reads one host once and turns the reading into usage. Telemetry, not a provisioning
 * job: no job record, no host job lease, no retry; a failure is logged and becomes a gap.
 */
@Injectable()
export class HostCollector {
  private readonly logger = new Logger('metering');

  constructor(
    @Inject(METERING_DOM0) private readonly dom0: MeteringDom0,
    private readonly servers: MeteredServers,
    private readonly ingest: UsageIngest,
    private readonly drift: DriftFindingRepository,
    private readonly clock: Clock,
  ) {}

  async collect(host: Host, intervalMs: number): Promise<CollectOutcome> {
    let reading;
    try {
      reading = await this.dom0.readMetering(host);
    } catch (error) {
      if (error instanceof XenParseError) {
        this.logger.warn(`metering reading of ${host.name} rejected: ${error.message}`);
        return { status: 'rejected', reason: error.message };
      }
      this.logger.warn(`metering: ${host.name} not read (${(error as Error).message}); the interval becomes part of a gap span`);
      return { status: 'unreachable', reason: (error as Error).message };
    }
    const result = await this.ingest.ingestHostReading(host.id, reading, await this.servers.onHost(host.id), intervalMs);
    await this.drift.recordSeen(
      result.unknownDomains.map((d) => ({
        hostId: host.id,
        kind: 'unknown_domain' as const,
        subject: d.name,
        details: { domid: d.domid, state: d.state, memoryMiB: d.memoryMiB, vcpus: d.vcpus, seenBy: 'metering' },
      })),
      this.clock.now(),
    );
    return { status: 'collected', ...result };
  }
}

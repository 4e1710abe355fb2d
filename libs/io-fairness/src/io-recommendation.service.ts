import { Injectable } from '@nestjs/common';
import { hostCapacity, HostRepository } from '@carve/inventory';
import { ServerRepository } from '@carve/servers';
import { HostAnalysis, HostIoAnalyser } from './host-io.analyser';
import type { Offender } from './io-impact.model';
import type { IoWindow } from './io-impact.window';
import { CandidateHostIo, recommend, Recommendation } from './io-recommendations';

/**
 * Where each offender could go: every other metered host judged on its free RAM, disk
 * and vCPUs (inventory) and its IO over the same window (its own analysis), plus whether
 * a dedicated host is due and which limits exist.
 */
@Injectable()
export class IoRecommendationService {
  constructor(
    private readonly analyser: HostIoAnalyser,
    private readonly hosts: HostRepository,
    private readonly servers: ServerRepository,
  ) {}

  async forOffenders(source: HostAnalysis, window: IoWindow, offenders: readonly Offender[] = source.analysis.offenders): Promise<Map<string, Recommendation>> {
    const out = new Map<string, Recommendation>();
    if (offenders.length === 0) return out;
    const candidates: CandidateHostIo[] = [];
    for (const host of await this.hosts.findMetered()) {
      if (host.id === source.host.id) continue;
      const { analysis, rules } = await this.analyser.analyse(host, window);
      candidates.push({
        host,
        capacity: hostCapacity(host),
        busyThreshold: rules.busyThreshold,
        busyP95: analysis.host.busyPercent.p95 === null ? null : analysis.host.busyPercent.p95 / 100,
        iopsP95: analysis.host.iops.p95,
        mbpsP95: analysis.host.mbps.p95,
        capacityIops: rules.capacityIops,
        capacityMBps: rules.capacityBytesPerSecond === null ? null : rules.capacityBytesPerSecond / 1e6,
      });
    }
    for (const offender of offenders) {
      const server = await this.servers.findById(offender.serverId);
      const disks = server ? await this.servers.disksOf([server.id]) : [];
      out.set(
        offender.serverId,
        recommend(
          {
            serverId: offender.serverId,
            customerId: offender.customerId,
            domainName: server?.domainName ?? null,
            memoryMiB: server?.memoryMiB ?? 0,
            vcpus: server?.vcpus ?? 0,
            diskGiB: disks.reduce((s, d) => s + d.sizeGiB, 0),
            iops: offender.contendedIopsP95,
            mbps: offender.contendedMBpsP95,
            busyShare: offender.contendedBusyShareP95,
          },
          source.rules.busyThreshold,
          candidates,
        ),
      );
    }
    return out;
  }

}

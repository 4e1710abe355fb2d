import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock, NotFoundError } from '@carve/core';
import { Host, HostRepository } from '@carve/inventory';
import { ServerRepository } from '@carve/servers';
import { CustomerService } from '@carve/tenancy';
import { HostAnalysis, HostIoAnalyser, IoRulesView } from './host-io.analyser';
import { ContentionWindow, IoImpactAnalysis, Offender, ServerIoStats } from './io-impact.model';
import { IoWindow, ioWindow, IoWindowQuery } from './io-impact.window';
import { IoRecommendationService } from './io-recommendation.service';
import { NO_DISK_IO_LIMIT, Recommendation } from './io-recommendations';
import { IoSamplesReader } from '@carve/metering';

export interface NamedServer {
  serverId: string;
  serverName: string | null;
  domainName: string | null;
  customerId: string;
  customerName: string | null;
}

export type ServerRow = NamedServer & Omit<ServerIoStats, 'serverId' | 'customerId'> & {
  contention: { rank: number | null; diskTimeMs: number; shareOfDiskTime: number };
  victimInWindows: number;
};

export type WindowView = Omit<ContentionWindow, 'from' | 'to' | 'consumers' | 'victims'> & {
  from: string;
  to: string;
  consumers: (NamedServer & Omit<ContentionWindow['consumers'][number], 'serverId' | 'customerId'>)[];
  victims: (NamedServer & Omit<ContentionWindow['victims'][number], 'serverId' | 'customerId'>)[];
};

export type OffenderView = NamedServer & Omit<Offender, 'serverId' | 'customerId' | 'victimServerIds'> & { victims: NamedServer[]; recommendation: Omit<Recommendation, 'serverId' | 'customerId'> };

export interface HostIoImpactReport {
  hostId: string;
  hostName: string;
  from: string;
  to: string;
  stepSeconds: number;
  rules: IoRulesView;
  host: IoImpactAnalysis['host'] & { baselineMsPerRequest: number | null };
  servers: ServerRow[];
  contentionWindows: WindowView[];
  offenders: OffenderView[];
  noDiskIoLimit: string;
}

export interface CustomerIoImpactReport {
  customerId: string;
  customerName: string;
  from: string;
  to: string;
  hosts: {
    hostId: string;
    hostName: string;
    contentionWindows: number;
    harmfulWindows: number;
    contendedSeconds: number;
    servers: ServerRow[];
    /** The customer's servers among the host's offenders, with their rank there. */
    offenders: OffenderView[];
    /** Windows where one of the customer's servers suffered, and who consumed the disks then. */
    suffered: { from: string; to: string; victims: WindowView['victims']; causedBy: WindowView['consumers'] }[];
  }[];
  noDiskIoLimit: string;
}

/**
 * The IO impact report: per host (and per customer across hosts), who used the disks,
 * when they were contended, who caused it and who suffered, with what to do about the
 * offenders. Read-only over metering's data; operators only (the routes check).
 */
@Injectable()
export class IoImpactService {
  constructor(
    private readonly samples: IoSamplesReader,
    private readonly analyser: HostIoAnalyser,
    private readonly recommendations: IoRecommendationService,
    private readonly hosts: HostRepository,
    private readonly servers: ServerRepository,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
    @Inject(CarveConfig) private readonly config: CarveConfig,
  ) {}

  window(query: IoWindowQuery): IoWindow {
    return ioWindow(query, this.clock.now().getTime(), this.config.meteringRetention.rawHours);
  }

  async hostReport(hostId: string, query: IoWindowQuery): Promise<HostIoImpactReport> {
    const window = this.window(query);
    const host = await this.requireHost(hostId);
    const analysed = await this.analyser.analyse(host, window);
    const names = await this.names(analysed.analysis);
    const recommendations = await this.recommendations.forOffenders(analysed, window);
    return this.view(analysed, names, recommendations);
  }

  async customerReport(customerId: string, query: IoWindowQuery): Promise<CustomerIoImpactReport> {
    const window = this.window(query);
    const customer = await this.customers.get(customerId);
    const hostIds = await this.samples.hostsOfCustomer(customerId, window.from, window.to);
    const hosts: CustomerIoImpactReport['hosts'] = [];
    for (const hostId of hostIds) {
      const host = await this.hosts.findById(hostId);
      if (!host) continue;
      const analysed = await this.analyser.analyse(host, window);
      const names = await this.names(analysed.analysis);
      const mine = new Set(analysed.analysis.servers.filter((s) => s.customerId === customerId).map((s) => s.serverId));
      const theirOffenders = analysed.analysis.offenders.filter((o) => mine.has(o.serverId));
      const recommendations = await this.recommendations.forOffenders(analysed, window, theirOffenders);
      const report = this.view(analysed, names, recommendations);
      hosts.push({
        hostId: host.id,
        hostName: host.name,
        contentionWindows: report.contentionWindows.length,
        harmfulWindows: report.contentionWindows.filter((w) => w.harmful).length,
        contendedSeconds: report.host.contendedSeconds,
        servers: report.servers.filter((s) => mine.has(s.serverId)),
        offenders: report.offenders.filter((o) => mine.has(o.serverId)),
        suffered: report.contentionWindows
          .filter((w) => w.victims.some((v) => mine.has(v.serverId)))
          .map((w) => ({ from: w.from, to: w.to, victims: w.victims.filter((v) => mine.has(v.serverId)), causedBy: w.consumers.filter((c) => !mine.has(c.serverId)).slice(0, 3) })),
      });
    }
    return { customerId: customer.id, customerName: customer.name, from: iso(window.from), to: iso(window.to), hosts, noDiskIoLimit: NO_DISK_IO_LIMIT };
  }

  /** The host's analysis with its per-server IO per step, for the graph. */
  async hostTimeline(hostId: string, query: IoWindowQuery): Promise<{ host: Host; window: IoWindow; analysis: IoImpactAnalysis; names: Map<string, NamedServer> }> {
    const window = this.window(query);
    const host = await this.requireHost(hostId);
    const { analysis } = await this.analyser.analyse(host, window);
    return { host, window, analysis, names: await this.names(analysis) };
  }

  private async requireHost(id: string): Promise<Host> {
    const host = await this.hosts.findById(id);
    if (!host) throw new NotFoundError('host', id);
    return host;
  }

  private async names(analysis: IoImpactAnalysis): Promise<Map<string, NamedServer>> {
    const customerNames = new Map<string, string | null>();
    for (const customerId of new Set(analysis.servers.map((s) => s.customerId))) {
      customerNames.set(customerId, await this.customers.get(customerId).then((c) => c.name, () => null));
    }
    const names = new Map<string, NamedServer>();
    for (const s of analysis.servers) {
      const server = await this.servers.findById(s.serverId);
      names.set(s.serverId, { serverId: s.serverId, serverName: server?.name ?? null, domainName: server?.domainName ?? null, customerId: s.customerId, customerName: customerNames.get(s.customerId) ?? null });
    }
    return names;
  }

  private view(source: HostAnalysis, names: Map<string, NamedServer>, recommendations: Map<string, Recommendation>): HostIoImpactReport {
    const { analysis } = source;
    const named = (serverId: string, customerId: string): NamedServer => names.get(serverId) ?? { serverId, serverName: null, domainName: null, customerId, customerName: null };
    const ranks = new Map(analysis.offenders.map((o) => [o.serverId, o]));
    const windows: WindowView[] = analysis.windows.map((w) => ({
      ...w,
      from: iso(w.from),
      to: iso(w.to),
      consumers: w.consumers.map(({ serverId, customerId, ...c }) => ({ ...named(serverId, customerId), ...c })),
      victims: w.victims.map(({ serverId, customerId, ...v }) => ({ ...named(serverId, customerId), ...v })),
    }));
    const victimCounts = new Map<string, number>();
    for (const w of analysis.windows) for (const v of w.victims) victimCounts.set(v.serverId, (victimCounts.get(v.serverId) ?? 0) + 1);
    return {
      hostId: source.host.id,
      hostName: source.host.name,
      from: iso(source.window.from),
      to: iso(source.window.to),
      stepSeconds: source.window.stepMs / 1000,
      rules: source.rulesView,
      host: { ...analysis.host, baselineMsPerRequest: analysis.hostBaselineMsPerRequest },
      servers: analysis.servers
        .map(({ serverId, customerId, ...stats }) => {
          const offender = ranks.get(serverId);
          return {
            ...named(serverId, customerId),
            ...stats,
            contention: { rank: offender?.rank ?? null, diskTimeMs: offender?.diskTimeMs ?? 0, shareOfDiskTime: offender?.shareOfDiskTime ?? 0 },
            victimInWindows: victimCounts.get(serverId) ?? 0,
          };
        })
        .sort((a, b) => (a.contention.rank ?? Infinity) - (b.contention.rank ?? Infinity) || b.diskTimeMs - a.diskTimeMs),
      contentionWindows: windows,
      offenders: analysis.offenders.flatMap(({ serverId, customerId, victimServerIds, ...o }) => {
        const recommendation = recommendations.get(serverId);
        if (!recommendation) return [];
        const { serverId: _s, customerId: _c, ...advice } = recommendation;
        return [{ ...named(serverId, customerId), ...o, victims: victimServerIds.map((id) => named(id, '')), recommendation: advice }];
      }),
      noDiskIoLimit: NO_DISK_IO_LIMIT,
    };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

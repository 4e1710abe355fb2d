import { Inject, Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock, NotFoundError } from '@carve/core';
import { Host, hostCapacity, HostRepository } from '@carve/inventory';
import { ServerRepository } from '@carve/servers';
import { CustomerService } from '@carve/tenancy';
import { analyseIoImpact, ContentionWindow, DEFAULT_IO_RULES, IoImpactAnalysis, IoRules, Offender, ServerIoStats } from './io-impact.analysis';
import { IoWindow, ioWindow, IoWindowQuery } from './io-impact.window';
import { HostIoPolicy } from './io-policy';
import { HostIoPolicyRepository } from './io-policy.repository';
import { CandidateHostIo, NO_DISK_IO_LIMIT, recommend, Recommendation } from './io-recommendations';
import { IoSamplesReader } from './io-samples.reader';

/** A learned baseline rests on the 14 days before the window's end, and needs at least two hours of 5-minute buckets. */
const LEARNING_DAYS = 14;
const LEARNED_MIN_BUCKETS = 24;

export interface NamedServer {
  serverId: string;
  serverName: string | null;
  domainName: string | null;
  customerId: string;
  customerName: string | null;
}

export interface IoRulesView {
  busyThresholdPercent: number;
  capacityBaseline: { mode: HostIoPolicy['capacityMode']; iops: number | null; mbps: number | null; learnedPercentile: number | null; learnedFromBuckets: number | null; note: string | null };
  victimLatencyFactor: number;
  victimMinExtraWaitMsPerSecond: number;
  offenderMinSharePercent: number;
  explanation: string[];
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

interface HostAnalysis {
  host: Host;
  window: IoWindow;
  policy: HostIoPolicy;
  rules: IoRules;
  rulesView: IoRulesView;
  analysis: IoImpactAnalysis;
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
    private readonly policies: HostIoPolicyRepository,
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
    const analysed = await this.analyse(host, window);
    const names = await this.names(analysed.analysis);
    const recommendations = await this.recommendations(analysed, window);
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
      const analysed = await this.analyse(host, window);
      const names = await this.names(analysed.analysis);
      const mine = new Set(analysed.analysis.servers.filter((s) => s.customerId === customerId).map((s) => s.serverId));
      const theirOffenders = analysed.analysis.offenders.filter((o) => mine.has(o.serverId));
      const recommendations = await this.recommendations(analysed, window, theirOffenders);
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
    const { analysis } = await this.analyse(host, window);
    return { host, window, analysis, names: await this.names(analysis) };
  }

  private async requireHost(id: string): Promise<Host> {
    const host = await this.hosts.findById(id);
    if (!host) throw new NotFoundError('host', id);
    return host;
  }

  private async analyse(host: Host, window: IoWindow): Promise<HostAnalysis> {
    const policy = await this.policies.forHost(host.id);
    const { rules, view } = await this.rulesFor(host.id, policy, window);
    const [servers, disks] = await Promise.all([this.samples.serverSpans(host.id, window.from, window.to), this.samples.diskSpans(host.id, window.from, window.to)]);
    return { host, window, policy, rules, rulesView: view, analysis: analyseIoImpact({ ...window, servers, disks, rules }) };
  }

  private async rulesFor(hostId: string, policy: HostIoPolicy, window: IoWindow): Promise<{ rules: IoRules; view: IoRulesView }> {
    let iops: number | null = null;
    let mbps: number | null = null;
    let buckets: number | null = null;
    let note: string | null = null;
    if (policy.capacityMode === 'fixed') {
      iops = policy.capacityIops;
      mbps = policy.capacityMBps;
    } else if (policy.capacityMode === 'learned') {
      const learned = await this.samples.learnedCapacity(hostId, window.to - LEARNING_DAYS * 86_400_000, window.to, policy.learnedPercentile!);
      buckets = learned.buckets;
      if (learned.buckets >= LEARNED_MIN_BUCKETS && learned.iops !== null && learned.bytesPerSecond !== null) {
        iops = round(learned.iops);
        mbps = round(learned.bytesPerSecond / 1e6);
        note = `p${policy.learnedPercentile} of the host's 5-minute totals over the ${LEARNING_DAYS} days before the window's end`;
      } else {
        note = `not enough history to learn from (${learned.buckets} of ${LEARNED_MIN_BUCKETS} 5-minute buckets): no capacity baseline applied`;
      }
    }
    const rules: IoRules = { busyThreshold: policy.busyThresholdPercent / 100, capacityIops: iops, capacityBytesPerSecond: mbps === null ? null : mbps * 1e6, ...DEFAULT_IO_RULES };
    return {
      rules,
      view: {
        busyThresholdPercent: policy.busyThresholdPercent,
        capacityBaseline: { mode: policy.capacityMode, iops, mbps, learnedPercentile: policy.learnedPercentile, learnedFromBuckets: buckets, note },
        victimLatencyFactor: rules.victimLatencyFactor,
        victimMinExtraWaitMsPerSecond: rules.victimMinExtraWaitMsPerSecond,
        offenderMinSharePercent: rules.offenderMinShare * 100,
        explanation: [
          `An interval is contended when the host's busiest physical disk was busy more than ${policy.busyThresholdPercent}% of it${iops !== null || mbps !== null ? `, or the host's IO went above ${iops ?? '-'} IOPS or ${mbps ?? '-'} MB/s` : ''}, or any domain ran out of request slots (VBD_OO). Consecutive contended intervals form a window.`,
          `A server's baseline is its median time per request in the window's uncontended intervals (the host's, when it has none).`,
          `A neighbour suffered in a window when its time per request reached ${rules.victimLatencyFactor}x its baseline and that cost its requests at least ${rules.victimMinExtraWaitMsPerSecond} ms of extra waiting per second, or when it had out-of-request events. The window's biggest consumer of disk time is never its own victim.`,
          `Offenders are ranked by the disk time (the volumes' read and write ticks) and IO they consumed in windows where a neighbour suffered, not by totals: a server busy only when nobody else needed the disks is not an offender. Listed when they took at least ${rules.offenderMinShare * 100}% of that disk time.`,
        ],
      },
    };
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

  private async recommendations(source: HostAnalysis, window: IoWindow, offenders: readonly Offender[] = source.analysis.offenders): Promise<Map<string, Recommendation>> {
    const out = new Map<string, Recommendation>();
    if (offenders.length === 0) return out;
    const candidates: CandidateHostIo[] = [];
    for (const host of await this.hosts.findMetered()) {
      if (host.id === source.host.id) continue;
      const { analysis, rules } = await this.analyse(host, window);
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

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

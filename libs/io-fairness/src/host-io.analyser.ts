import { Injectable } from '@nestjs/common';
import type { Host } from '@carve/inventory';
import { analyseIoImpact } from './io-impact.analysis';
import { DEFAULT_IO_RULES, IoImpactAnalysis, IoRules } from './io-impact.model';
import type { IoWindow } from './io-impact.window';
import { HostIoPolicy } from './io-policy';
import { HostIoPolicyRepository } from './io-policy.repository';
import { IoSamplesReader } from '@carve/metering';

/** A learned baseline rests on the 14 days before the window's end, and needs at least two hours of 5-minute buckets. */
export const LEARNING_DAYS = 14;
export const LEARNED_MIN_BUCKETS = 24;

export interface IoRulesView {
  busyThresholdPercent: number;
  capacityBaseline: { mode: HostIoPolicy['capacityMode']; iops: number | null; mbps: number | null; learnedPercentile: number | null; learnedFromBuckets: number | null; note: string | null };
  victimLatencyFactor: number;
  victimMinExtraWaitMsPerSecond: number;
  offenderMinSharePercent: number;
  explanation: string[];
}

export interface HostAnalysis {
  host: Host;
  window: IoWindow;
  policy: HostIoPolicy;
  rules: IoRules;
  rulesView: IoRulesView;
  analysis: IoImpactAnalysis;
}

/** One host's IO over a window under its own rules (threshold, capacity baseline fixed or learned from its history). */
@Injectable()
export class HostIoAnalyser {
  constructor(
    private readonly samples: IoSamplesReader,
    private readonly policies: HostIoPolicyRepository,
  ) {}

  async analyse(host: Host, window: IoWindow): Promise<HostAnalysis> {
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

}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

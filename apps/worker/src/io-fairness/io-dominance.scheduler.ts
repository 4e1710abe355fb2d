import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock } from '@carve/core';
import { EventService } from '@carve/events';
import { Host, HostRepository } from '@carve/inventory';
import { dominatedWindows, HostIoPolicyService, IoImpactService } from '@carve/io-fairness';
import { RedisConnection } from '@carve/redis';
import { claimKey, PeriodicTask, untilBoundary } from '../scheduling/periodic-task';

/** Each check reads back this far (at least four times the host's dominance minutes), within raw metering's retention. */
export const DOMINANCE_LOOKBACK_MS = 3 * 3_600_000;

export interface DominanceCheck {
  interval: number;
  /** Hosts this process checked (others were checked by other workers). */
  checked: number;
  raised: { hostId: string; serverId: string; from: string }[];
}

/**
 * Every IO_DOMINANCE_INTERVAL_SECONDS (0: never), the IO impact analysis of each host over
 * the last hours, and host.io.dominated (operator only) for each contention window one
 * server took at least half the disk time of for at least the host's dominanceMinutes.
 * One Redis key per (host, interval), SET NX, so each host is checked by one worker per
 * interval; the event's dedup key (host, server, window start) keeps each window a single
 * event across checks and workers, while the window is still growing too.
 */
@Injectable()
export class IoDominanceScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('io-fairness');
  private task?: PeriodicTask;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly hosts: HostRepository,
    private readonly impact: IoImpactService,
    private readonly policies: HostIoPolicyService,
    private readonly events: EventService,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.ioDominanceIntervalSeconds * 1000;
    this.task = PeriodicTask.start({
      what: 'IO dominance check',
      logger: this.logger,
      everyMs: intervalMs,
      offNotice: 'IO dominance checks off (IO_DOMINANCE_INTERVAL_SECONDS=0)',
      firstInMs: intervalMs && untilBoundary(this.clock.now().getTime(), intervalMs),
      run: () => this.run(Math.floor(this.clock.now().getTime() / intervalMs), intervalMs),
    });
  }

  /** The check of one interval, for the hosts this process claims; exposed for tests. */
  async run(interval: number, intervalMs: number): Promise<DominanceCheck> {
    const check: DominanceCheck = { interval, checked: 0, raised: [] };
    for (const host of await this.hosts.findMetered()) {
      if (!(await this.claim(host, interval, intervalMs))) continue;
      check.checked += 1;
      try {
        check.raised.push(...(await this.checkHost(host)));
      } catch (error) {
        this.logger.error(`IO dominance on ${host.name}: ${(error as Error).message}`);
      }
    }
    return check;
  }

  private async checkHost(host: Host): Promise<DominanceCheck['raised']> {
    const { dominanceMinutes } = await this.policies.get(host.id);
    const now = this.clock.now().getTime();
    // The report refuses a window reaching before raw metering's retention; a minute's margin keeps it inside.
    const kept = this.config.meteringRetention.rawHours * 3_600_000 - 60_000;
    const lookback = Math.min(Math.max(DOMINANCE_LOOKBACK_MS, 4 * dominanceMinutes * 60_000), kept);
    const { window, analysis } = await this.impact.hostTimeline(host.id, { from: new Date(now - lookback).toISOString(), to: new Date(now).toISOString() });
    const raised: DominanceCheck['raised'] = [];
    for (const d of dominatedWindows(analysis.windows, window.from, dominanceMinutes)) {
      const from = new Date(d.from).toISOString();
      const recorded = await this.events.raise({
        customerId: null,
        kind: 'host.io.dominated',
        subjectType: 'host',
        subjectId: host.id,
        data: { serverId: d.serverId, from, to: new Date(d.to).toISOString(), share: d.share },
        dedupKey: `host.io.dominated:${host.id}:${d.serverId}:${from}`,
      });
      if (recorded) raised.push({ hostId: host.id, serverId: d.serverId, from });
    }
    return raised;
  }

  private async claim(host: Host, interval: number, intervalMs: number): Promise<boolean> {
    return claimKey(this.redis, this.redis.key('io-fairness', 'dominance', host.id, String(interval)), intervalMs * 2);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}

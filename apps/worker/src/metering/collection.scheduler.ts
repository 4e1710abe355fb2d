import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Host, HostRepository } from '@carve/inventory';
import { CollectOutcome, HostCollector, MeteringPartitions } from '@carve/metering';
import { RedisConnection } from '@carve/redis';
import { claimKey, PeriodicTask, untilBoundary } from '../scheduling/periodic-task';

export interface CollectionRound {
  interval: number;
  /** Hosts this process read in the round (others were read by other workers). */
  read: number;
  outcomes: Record<CollectOutcome['status'], number>;
  durationMs: number;
}

/**
 * Every METERING_INTERVAL_SECONDS, each worker process walks the hosts and reads those it
 * wins: one Redis key per (host, interval), SET NX, so every host is read by exactly one
 * worker per interval however many workers run, with no job records and no host job
 * leases. A bounded number of hosts are read at once (METERING_HOSTS_AT_ONCE); a host that
 * cannot be read is simply not read this interval (a gap), never retried.
 */
@Injectable()
export class CollectionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('metering');
  private task?: PeriodicTask;
  private lastHousekeeping = 0;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly hosts: HostRepository,
    private readonly collector: HostCollector,
    private readonly partitions: MeteringPartitions,
    private readonly redis: RedisConnection,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.meteringIntervalSeconds * 1000;
    this.task = PeriodicTask.start({
      what: 'metering round',
      logger: this.logger,
      everyMs: intervalMs,
      offNotice: 'metering collection off (METERING_INTERVAL_SECONDS=0)',
      firstInMs: intervalMs && untilBoundary(Date.now(), intervalMs),
      run: () => this.round(Math.floor(Date.now() / intervalMs), intervalMs),
    });
  }

  /** One interval's work for this process; exposed for tests. */
  async round(interval: number, intervalMs: number): Promise<CollectionRound> {
    const started = Date.now();
    await this.housekeeping(started);
    const hosts = (await this.hosts.findMetered()).sort(() => Math.random() - 0.5);
    const outcomes: CollectionRound['outcomes'] = { collected: 0, rejected: 0, unreachable: 0 };
    let read = 0;
    const queue = [...hosts];
    const lanes = Array.from({ length: Math.min(this.config.meteringHostsAtOnce, queue.length) }, async () => {
      for (let host = queue.shift(); host; host = queue.shift()) {
        if (!(await this.claim(host, interval, intervalMs))) continue;
        read += 1;
        const outcome = await this.collector.collect(host, intervalMs).catch((error: Error): CollectOutcome => {
          this.logger.error(`metering ${host!.name}: ${error.message}`);
          return { status: 'rejected', reason: error.message };
        });
        outcomes[outcome.status] += 1;
      }
    });
    await Promise.all(lanes);
    const round = { interval, read, outcomes, durationMs: Date.now() - started };
    if (read > 0) this.logger.debug(`metering round ${interval}: ${read} hosts read, ${JSON.stringify(outcomes)}, ${round.durationMs} ms`);
    return round;
  }

  private async claim(host: Host, interval: number, intervalMs: number): Promise<boolean> {
    return claimKey(this.redis, this.redis.key('metering', 'read', host.id, String(interval)), intervalMs * 2);
  }

  /** Partitions two days ahead and retention, at most hourly, by whichever worker gets there. */
  private async housekeeping(now: number): Promise<void> {
    if (now - this.lastHousekeeping < 3_600_000) return;
    this.lastHousekeeping = now;
    await this.partitions.ensure(new Date(now), new Date(now + 2 * 86_400_000));
    const key = this.redis.key('metering', 'retention', String(Math.floor(now / 3_600_000)));
    if ((await this.redis.client.set(key, '1', 'EX', 7200, 'NX')) === 'OK') await this.partitions.dropExpired(new Date(now));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}

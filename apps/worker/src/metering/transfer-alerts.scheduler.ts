import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock } from '@carve/core';
import { TransferAlertRun, TransferAlerts } from '@carve/metering';
import { RedisConnection } from '@carve/redis';
import { claimKey, PeriodicTask, untilBoundary } from '../scheduling/periodic-task';

/**
 * Every METERING_INTERVAL_SECONDS (0: never), one worker checks every shared pool's
 * transfer this month against the 80% / 100% thresholds: one Redis key per interval, SET
 * NX, decides which. Checks run half an interval after the boundary that starts a
 * collection round, so they usually see that round's usage. The events' dedup keys keep
 * each alert single even if two workers ever did check the same interval.
 */
@Injectable()
export class TransferAlertsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('metering');
  private task?: PeriodicTask;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly alerts: TransferAlerts,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.meteringIntervalSeconds * 1000;
    this.task = PeriodicTask.start({
      what: 'transfer alerts',
      logger: this.logger,
      everyMs: intervalMs,
      offNotice: 'transfer alerts off (METERING_INTERVAL_SECONDS=0)',
      firstInMs: intervalMs && untilBoundary(this.clock.now().getTime(), intervalMs, intervalMs / 2),
      run: () => this.run(Math.floor(this.clock.now().getTime() / intervalMs), intervalMs),
    });
  }

  /** The check for one interval, if this process claims it (null when another did); exposed for tests. */
  async run(interval: number, intervalMs: number): Promise<TransferAlertRun | null> {
    if (!(await claimKey(this.redis, this.redis.key('metering', 'transfer-alerts', String(interval)), intervalMs * 2))) return null;
    return this.alerts.check(this.clock.now());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}

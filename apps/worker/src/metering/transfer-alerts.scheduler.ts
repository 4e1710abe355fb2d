import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { Clock } from '@carve/core';
import { TransferAlertRun, TransferAlerts } from '@carve/metering';
import { RedisConnection } from '@carve/redis';

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
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly alerts: TransferAlerts,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.meteringIntervalSeconds * 1000;
    if (intervalMs === 0) {
      this.logger.log('transfer alerts off (METERING_INTERVAL_SECONDS=0)');
      return;
    }
    const tick = () => {
      if (this.current) return; // this process is still on the previous check
      this.current = this.run(Math.floor(this.clock.now().getTime() / intervalMs), intervalMs)
        .catch((error: Error) => this.logger.error(`transfer alerts failed: ${error.message}`))
        .finally(() => (this.current = undefined));
    };
    const sinceBoundary = this.clock.now().getTime() % intervalMs;
    const first = (intervalMs * 1.5 - sinceBoundary) % intervalMs || intervalMs;
    this.timer = setTimeout(() => {
      tick();
      this.timer = setInterval(tick, intervalMs);
      this.timer.unref();
    }, first);
    this.timer.unref();
  }

  /** The check for one interval, if this process claims it (null when another did); exposed for tests. */
  async run(interval: number, intervalMs: number): Promise<TransferAlertRun | null> {
    const key = this.redis.key('metering', 'transfer-alerts', String(interval));
    if ((await this.redis.client.set(key, '1', 'PX', intervalMs * 2, 'NX')) !== 'OK') return null;
    return this.alerts.check(this.clock.now());
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.current;
  }
}

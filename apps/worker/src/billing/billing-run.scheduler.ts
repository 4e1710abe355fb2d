import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { billingPeriod, InvoiceRuns, monthContaining, previousMonth } from '@carve/billing';
import { CarveConfig } from '@carve/config';
import { Clock } from '@carve/core';
import { BilledPools } from '@carve/pools';
import { RedisConnection } from '@carve/redis';
import { claimKey, PeriodicTask } from '../scheduling/periodic-task';

/** How often each worker looks whether a period is due. */
export const BILLING_CHECK_INTERVAL_MS = 60_000;
/** How long a claimed run keeps other workers off; a longer run is safe all the same (the run's advisory lock and its reruns answering the same invoices). */
const RUN_LEASE_MS = 30 * 60_000;
/** After a failed run, the wait before any worker tries again. */
const RETRY_AFTER_MS = 10 * 60_000;
/** A done period stays marked until it can no longer be the period just ended. */
const DONE_MS = 45 * 86_400_000;

export type ScheduledRunCheck =
  | { status: 'not-due'; period: string; dueAt: Date }
  /** No pool had a size before the period ended: nothing of it can be billed, and no run is recorded (an on-demand run still can be). */
  | { status: 'before-first-pool'; period: string }
  /** Another worker runs it, ran it, or it failed a moment ago and waits for its retry. */
  | { status: 'claimed'; period: string; by: string }
  | { status: 'ran'; period: string; issued: number; invoices: number }
  | { status: 'failed'; period: string; error: string };

/**
 * The scheduled invoice run. Every minute each worker asks which billing period ended last
 * (calendar months in BILLING_TIME_ZONE) and, once its end plus
 * BILLING_COLLECTION_WINDOW_MINUTES has passed (late readings come in meanwhile), runs it
 * if it wins the period's Redis key (SET NX). So one worker runs each period once however
 * many workers there are, and a worker that was down at the due time runs it when it
 * comes back. A run that fails frees the key after RETRY_AFTER_MS for another try.
 * A period that ended before any pool had a size (a carve installed since) is not run:
 * a run would record the period as invoiced with nothing in it, and history imported for
 * it later (a migration from another system, a demo's seed) could then not be billed.
 */
@Injectable()
export class BillingRunScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('billing');
  private task?: PeriodicTask;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly runs: InvoiceRuns,
    private readonly pools: BilledPools,
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.log(`scheduled invoice runs: each month (${this.config.billingTimeZone}) ${this.config.billingCollectionWindowMinutes} minutes after it ends`);
    this.task = PeriodicTask.start({ what: 'scheduled invoice run check', logger: this.logger, everyMs: BILLING_CHECK_INTERVAL_MS, run: () => this.check() });
  }

  /** The period ended last at `at`, and when the schedule runs it. */
  due(at: number): { period: string; dueAt: number } {
    const zone = this.config.billingTimeZone;
    const period = previousMonth(monthContaining(at, zone));
    return { period, dueAt: billingPeriod(period, zone).end + this.config.billingCollectionWindowMinutes * 60_000 };
  }

  /** One check of this process: runs the period just ended if it is due and this process claims it; exposed for tests. */
  async check(): Promise<ScheduledRunCheck> {
    const { period, dueAt } = this.due(this.clock.now().getTime());
    if (this.clock.now().getTime() < dueAt) return { status: 'not-due', period, dueAt: new Date(dueAt) };
    const firstSized = await this.pools.firstSizedAt();
    if (!firstSized || firstSized.getTime() >= billingPeriod(period, this.config.billingTimeZone).end) return { status: 'before-first-pool', period };
    const key = this.redis.key('billing', 'scheduled-run', period);
    const me = `running:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
    if (!(await claimKey(this.redis, key, RUN_LEASE_MS, me))) {
      return { status: 'claimed', period, by: (await this.redis.client.get(key)) ?? 'expired' };
    }
    this.logger.log(`scheduled invoice run for ${period} (${this.config.billingTimeZone}) starting, due since ${new Date(dueAt).toISOString()}`);
    try {
      const result = await this.runs.run(period, 'scheduled');
      await this.redis.client.set(key, 'done', 'PX', DONE_MS);
      this.logger.log(`scheduled invoice run for ${period} done: ${result.issued} issued now, ${result.invoices.length} invoice(s) in the period`);
      return { status: 'ran', period, issued: result.issued, invoices: result.invoices.length };
    } catch (error) {
      const message = (error as Error).message;
      await this.redis.client.set(key, `failed: ${message}`.slice(0, 500), 'PX', RETRY_AFTER_MS);
      this.logger.error(`scheduled invoice run for ${period} failed (tried again in ${RETRY_AFTER_MS / 60_000} minutes): ${message}`);
      return { status: 'failed', period, error: message };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}

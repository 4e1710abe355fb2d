import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import { PassSummary, ReconcileLock, Reconciler } from '@carve/reconciliation';
import { PeriodicTask } from '../scheduling/periodic-task';

/** One line per pass, for logs and for eyes. */
export function describePass(trigger: string, s: PassSummary): string {
  return (
    `reconcile pass (${trigger}): ${s.hosts} hosts (${s.unreachable} unreachable), findings ${s.opened} new / ${s.stillOpen} still open / ${s.resolved} resolved, ` +
    `jobs ${s.requeuedJobs} requeued / ${s.redispatchedJobs} redispatched, ${s.durationMs} ms`
  );
}

/**
 * Runs a pass every `reconcileIntervalSeconds` (0: never). A plain interval in every
 * worker process, with Redis deciding who runs: the first to claim the interval's
 * `due` key runs the pass, under the `running` lock. Chosen over a BullMQ job
 * scheduler because there is nothing to upsert or remove in Redis when the interval
 * changes or is turned off in one process, and the lock is needed anyway for passes
 * asked for through the API.
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reconciler');
  private task?: PeriodicTask;

  constructor(
    @Inject(CarveConfig) private readonly config: CarveConfig,
    private readonly reconciler: Reconciler,
    private readonly lock: ReconcileLock,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.reconcileIntervalSeconds * 1000;
    this.task = PeriodicTask.start({
      what: 'reconcile pass',
      logger: this.logger,
      everyMs: intervalMs,
      offNotice: 'reconciler off (RECONCILE_INTERVAL_SECONDS=0)',
      run: () => this.tick(intervalMs),
    });
  }

  /** Exposed for tests and for a first pass at boot if ever wanted; never throws. */
  async tick(intervalMs: number): Promise<PassSummary | null> {
    try {
      if (!(await this.lock.claimInterval(intervalMs))) return null;
      const summary = await this.lock.exclusive(() => this.reconciler.runPass());
      if (summary) this.logger.log(describePass('scheduled', summary));
      return summary;
    } catch (error) {
      this.logger.error(`reconcile pass failed: ${(error as Error).message}`);
      return null;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }
}

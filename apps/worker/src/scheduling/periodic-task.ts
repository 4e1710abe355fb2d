import { Logger } from '@nestjs/common';
import { RedisConnection } from '@carve/redis';

export interface PeriodicTaskSpec {
  /** Names the task in its failure line: `${what} failed: <message>`. */
  what: string;
  logger: Logger;
  /** Time between runs; 0 turns the task off (it logs `offNotice` and never runs). */
  everyMs: number;
  offNotice?: string;
  /** Time to the first run (default everyMs); see untilBoundary for runs on interval boundaries. */
  firstInMs?: number;
  run: () => Promise<unknown>;
}

/**
 * A task every worker process runs on a timer, one run at a time in the process: a tick
 * that finds the previous run still going is skipped, not queued, so a slow run never piles
 * up behind itself. A run that throws is logged and the next tick runs as usual. Which
 * process does the work (cluster-single) is the run's own business, usually a Redis key
 * won with claimKey; the timer only gives every process the chance. The timer does not
 * keep the process alive, and stop() waits for the run under way.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;

  private constructor(private readonly spec: PeriodicTaskSpec) {}

  static start(spec: PeriodicTaskSpec): PeriodicTask {
    const task = new PeriodicTask(spec);
    if (spec.everyMs === 0) {
      if (spec.offNotice) spec.logger.log(spec.offNotice);
      return task;
    }
    task.timer = setTimeout(() => {
      task.tick();
      task.timer = setInterval(() => task.tick(), spec.everyMs);
      task.timer.unref();
    }, spec.firstInMs ?? spec.everyMs);
    task.timer.unref();
    return task;
  }

  private tick(): void {
    if (this.current) return; // this process is still on the previous run
    this.current = this.spec
      .run()
      .catch((error: Error) => this.spec.logger.error(`${this.spec.what} failed: ${error.message}`))
      .finally(() => (this.current = undefined));
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
  }
}

/**
 * Time from `now` to the next interval boundary plus `offsetMs`, in (0, intervalMs]. Runs
 * timed by it start at the same instants in every worker, so "interval N"
 * (floor(now / intervalMs)) means the same span of time everywhere.
 */
export function untilBoundary(now: number, intervalMs: number, offsetMs = 0): number {
  return (intervalMs + offsetMs - (now % intervalMs)) % intervalMs || intervalMs;
}

/** Wins `key` for `ttlMs` if no process holds it (Redis SET NX PX): true for exactly one claimer until it expires. */
export async function claimKey(redis: RedisConnection, key: string, ttlMs: number, value = '1'): Promise<boolean> {
  return (await redis.client.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
}

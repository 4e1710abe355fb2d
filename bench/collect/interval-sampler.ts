import { machineCpuSeconds, processCpuSeconds, processTreeCpuSeconds, residentBytes } from './proc-stat';

/** CPU seconds so far of each process the bench watches, and the worker's RSS, at one instant. */
export interface Sample {
  atMs: number;
  worker: number;
  postgres: number;
  sims: number;
  machineBusy: number;
  machineTotal: number;
  workerRss: number;
}

/** The worker's RSS sampled every second during one interval (the heap grows and is collected within intervals). */
export interface RssRange {
  min: number;
  max: number;
}

/**
 * Takes a sample at every interval boundary (the instants the worker's rounds start on),
 * keyed by the interval that starts there: the sample of k+1 minus that of k is interval
 * k's work, round included, as long as the round ended within its interval.
 */
export class IntervalSampler {
  readonly samples = new Map<number, Sample>();
  /** Per interval, the lowest and highest RSS seen in it. */
  readonly rss = new Map<number, RssRange>();
  private timer?: NodeJS.Timeout;
  private rssTimer?: NodeJS.Timeout;

  constructor(
    private readonly intervalMs: number,
    private readonly pids: { worker: number; postgres: number; sims: readonly number[] },
  ) {}

  sample(): Sample {
    const machine = machineCpuSeconds();
    return {
      atMs: Date.now(),
      worker: processCpuSeconds(this.pids.worker) ?? Number.NaN,
      postgres: processTreeCpuSeconds(this.pids.postgres),
      sims: this.pids.sims.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? Number.NaN), 0),
      machineBusy: machine.busy,
      machineTotal: machine.total,
      workerRss: residentBytes(this.pids.worker) ?? Number.NaN,
    };
  }

  start(): void {
    this.rssTimer = setInterval(() => {
      const bytes = residentBytes(this.pids.worker);
      if (bytes === undefined) return;
      const k = Math.floor(Date.now() / this.intervalMs);
      const range = this.rss.get(k);
      this.rss.set(k, { min: Math.min(range?.min ?? bytes, bytes), max: Math.max(range?.max ?? bytes, bytes) });
    }, 1000);
    const schedule = (): void => {
      const now = Date.now();
      const next = (Math.floor(now / this.intervalMs) + 1) * this.intervalMs;
      this.timer = setTimeout(() => {
        // The interval that starts at this boundary (the timer fires at or just after it).
        this.samples.set(Math.round(Date.now() / this.intervalMs - 0.4), this.sample());
        schedule();
      }, next - now);
    };
    schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.rssTimer);
  }

  /** Resolves once interval k's start has been sampled. */
  async until(k: number, failure: Promise<never>): Promise<Sample> {
    for (;;) {
      const s = this.samples.get(k);
      if (s) return s;
      await Promise.race([new Promise((r) => setTimeout(r, 200)), failure]);
    }
  }
}

/** Least-squares slope of y over x = 0, 1, 2, ... */
export function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

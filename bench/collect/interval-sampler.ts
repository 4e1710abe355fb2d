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

/**
 * Takes a sample at every interval boundary (the instants the worker's rounds start on),
 * keyed by the interval that starts there: the sample of k+1 minus that of k is interval
 * k's work, round included, as long as the round ended within its interval.
 */
export class IntervalSampler {
  readonly samples = new Map<number, Sample>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly intervalMs: number,
    private readonly pids: { worker: number; postgres: number; sims: number },
  ) {}

  sample(): Sample {
    const machine = machineCpuSeconds();
    return {
      atMs: Date.now(),
      worker: processCpuSeconds(this.pids.worker) ?? Number.NaN,
      postgres: processTreeCpuSeconds(this.pids.postgres),
      sims: processCpuSeconds(this.pids.sims) ?? Number.NaN,
      machineBusy: machine.busy,
      machineTotal: machine.total,
      workerRss: residentBytes(this.pids.worker) ?? Number.NaN,
    };
  }

  start(): void {
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

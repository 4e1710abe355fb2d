/**
 * A FIFO counting semaphore for exec channels on one host. OpenSSH refuses
 * sessions past MaxSessions (10 by default), so the pool stays below it and
 * makes the rest wait in arrival order. Counts the peak for tests and metrics.
 */
export class ChannelLimiter {
  private active = 0;
  private peakActive = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`channel limit must be a positive integer, got ${limit}`);
    }
  }

  /** Resolves with a release function once a slot is free; call it exactly once. */
  async acquire(): Promise<() => void> {
    if (this.active < this.limit) {
      this.active += 1;
    } else {
      // The slot is handed over by release(), so `active` never dips and a late
      // arrival cannot overtake a waiter.
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.peakActive = Math.max(this.peakActive, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  get inUse(): number {
    return this.active;
  }

  get peak(): number {
    return this.peakActive;
  }

  get queued(): number {
    return this.waiters.length;
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) {
      next();
    } else {
      this.active -= 1;
    }
  }
}

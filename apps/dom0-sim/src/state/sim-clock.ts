/**
 * Simulated wall clock in unix seconds: runs `factor` times faster than real time,
 * so counters and uptimes advance quickly in demos and tests.
 */
export class SimClock {
  private anchorReal: number;
  private anchorSim: number;

  constructor(
    startSim: number,
    private factor: number,
    private readonly realNow: () => number = () => Date.now() / 1000,
  ) {
    this.anchorReal = this.realNow();
    this.anchorSim = startSim;
  }

  now(): number {
    return this.anchorSim + (this.realNow() - this.anchorReal) * this.factor;
  }

  get timeFactor(): number {
    return this.factor;
  }

  setTimeFactor(factor: number): void {
    this.anchorSim = this.now();
    this.anchorReal = this.realNow();
    this.factor = factor;
  }
}

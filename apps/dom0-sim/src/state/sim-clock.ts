/** What commands read the simulated time through. */
export interface SimTimeSource {
  /** Simulated unix seconds. */
  now(): number;
  readonly timeFactor: number;
  setTimeFactor(factor: number): void;
}

/**
 * Simulated wall clock in unix seconds: runs `factor` times faster than real time,
 * so counters and uptimes advance quickly in demos and tests.
 */
export class SimClock implements SimTimeSource {
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

/**
 * The clock one exec request sees: held at the instant the request started
 * and moved on only by simulated sleeps (and a time factor change). On a real
 * host the commands of one line run microseconds apart; at a time factor of
 * 1000 the simulator's own milliseconds between them would be seconds, so a
 * `date` would no longer stamp the counters read after it.
 */
export class ExecClock implements SimTimeSource {
  private held: number;

  constructor(private readonly source: SimTimeSource) {
    this.held = source.now();
  }

  now(): number {
    return this.held;
  }

  get timeFactor(): number {
    return this.source.timeFactor;
  }

  setTimeFactor(factor: number): void {
    this.source.setTimeFactor(factor);
    this.catchUp();
  }

  /** After a sleep: the time that really passed. */
  catchUp(): void {
    this.held = Math.max(this.held, this.source.now());
  }
}

/**
 * Turns SIGINT/SIGTERM into a promise the launcher awaits between steps, so shutdown always
 * runs from one place, in order, even when Ctrl-C lands halfway through starting. A second
 * signal means "now": the given hard stop runs and the process exits.
 */
export class StopSignal {
  private received: NodeJS.Signals | undefined;
  private resolveRequested!: (signal: NodeJS.Signals) => void;
  readonly requested = new Promise<NodeJS.Signals>((resolve) => {
    this.resolveRequested = resolve;
  });

  constructor(hardStop: () => void, report: (message: string) => void) {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.received) {
        report(`${signal} again: killing everything now`);
        hardStop();
        process.exit(130);
      }
      this.received = signal;
      report(`${signal} received: stopping (press Ctrl-C again to kill at once)`);
      this.resolveRequested(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
  }

  get stopping(): boolean {
    return this.received !== undefined;
  }
}

/** Thrown between start-up steps once a stop was requested; not an error. */
export class StopRequested extends Error {
  constructor() {
    super('stop requested');
  }
}

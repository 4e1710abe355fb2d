import { Clock } from '@carve/core';

/** carve's Clock for a replay: it says whatever instant of the scenario the replay is at. */
export class ReplayClock extends Clock {
  private at: number;

  constructor(at: number) {
    super();
    this.at = at;
  }

  set(at: number): void {
    this.at = at;
  }

  now(): Date {
    return new Date(this.at);
  }
}

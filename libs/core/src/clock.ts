/** The outside world's time, injectable so tests can move through a month. Always UTC instants. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

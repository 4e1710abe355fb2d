/**
 * A failure the person running `npm start` can act on: what went wrong, and what to do next.
 * The launcher prints these without a stack trace; anything else is a bug and keeps its stack.
 */
export class LaunchError extends Error {
  constructor(
    message: string,
    /** One or more lines saying what to do next. */
    readonly hint: string,
  ) {
    super(message);
    this.name = 'LaunchError';
  }
}

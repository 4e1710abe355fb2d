import { CarveError } from '@carve/core';

/** The cap on console sessions was reached: the session is refused before anything is opened. */
export class ConsoleLimitError extends CarveError {
  constructor(
    readonly scope: 'server' | 'tenant',
    readonly limit: number,
  ) {
    super(
      'console_session_limit',
      429,
      'Too many console sessions',
      scope === 'server'
        ? `This server already has ${limit} console sessions open (the most one server may have); close one and try again.`
        : `Your account already has ${limit} console sessions open (the most one account may have); close one and try again.`,
      { limit, scope },
    );
  }
}

import { CarveError, ConflictError } from '@carve/core';

export class IdempotencyKeyReusedError extends CarveError {
  constructor() {
    super(
      'idempotency_key_reused',
      422,
      'Idempotency key reused',
      'This Idempotency-Key was already used for a different request (method, path or body). Use a new key for a new request.',
    );
  }
}

export class IdempotencyKeyInProgressError extends ConflictError {
  constructor() {
    super('idempotency_key_in_progress', 'A request with this Idempotency-Key is still being processed. Retry shortly to get its response.', {
      retryAfterSeconds: 1,
    });
  }
}

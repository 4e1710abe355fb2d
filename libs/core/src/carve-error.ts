/** One failing input field, as reported in a problem+json body. */
export interface FieldProblem {
  /** Dotted path into the request: `disks.1.inodes`, `query.limit`, `header.idempotency-key`. */
  field: string;
  message: string;
}

/**
 * The base of every error carve means to show a client. The API's problem filter turns
 * it into RFC 9457 application/problem+json: `code` is stable and documented, `title`
 * is the same for every occurrence of the code, `detail` explains this one and says what
 * to do next.
 */
export class CarveError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extensions: { fields?: FieldProblem[] } & Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class NotFoundError extends CarveError {
  constructor(resource: string, id: string) {
    super('not_found', 404, 'Not found', `No ${resource} with id ${id} exists, or it is not visible to you.`, { resource });
  }
}

export class ConflictError extends CarveError {
  constructor(code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, 409, 'Conflict', detail, extensions);
  }
}

export class InvalidInputError extends CarveError {
  constructor(fields: FieldProblem[], detail = 'The request has invalid fields; see `fields`.') {
    super('validation_failed', 400, 'Invalid request', detail, { fields });
  }
}

export class UnauthenticatedError extends CarveError {
  constructor(detail: string) {
    super('unauthenticated', 401, 'Authentication required', detail);
  }
}

export class ForbiddenError extends CarveError {
  constructor(detail: string) {
    super('forbidden', 403, 'Forbidden', detail);
  }
}

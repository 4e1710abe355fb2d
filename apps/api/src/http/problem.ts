import { CarveError, FieldProblem } from '@carve/core';

/** RFC 9457 problem details, plus carve's stable `code`, the request id and the failing fields. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  fields?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemFrom(error: CarveError, instance?: string, requestId?: string): ProblemBody {
  return {
    type: `https://docs.carve.dev/problems/${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    instance,
    code: error.code,
    requestId,
    ...error.extensions,
  };
}

/** Fastify's own errors (raised before a route handler runs), as carve errors. */
export function fromFastifyError(error: { code?: string; statusCode?: number; message?: string } | undefined): CarveError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CarveError('malformed_json', 400, 'Malformed JSON', 'The request body is not valid JSON. Check quoting and commas.', {
        fields: [{ field: 'body', message: 'is not valid JSON' }],
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CarveError('payload_too_large', 413, 'Payload too large', 'The request body is larger than the API accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new CarveError('unsupported_media_type', 415, 'Unsupported media type', 'Send request bodies as application/json.');
    case 'FST_ERR_BAD_URL':
      return new CarveError('bad_url', 400, 'Bad URL', 'The request path is not a valid URL (check its percent-encoding).');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new CarveError('uri_too_long', 414, 'URI too long', 'A path parameter is longer than any id this API uses.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new CarveError('bad_content_length', 400, 'Bad Content-Length', 'The Content-Length header does not match the body.');
  }
  if (error.statusCode === 400 && /JSON/i.test(error.message ?? '')) {
    return new CarveError('malformed_json', 400, 'Malformed JSON', 'The request body is not valid JSON.', {
      fields: [{ field: 'body', message: 'is not valid JSON' }],
    });
  }
  return undefined;
}

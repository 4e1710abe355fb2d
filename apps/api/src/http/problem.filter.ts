import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { CarveError } from '@carve/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fromFastifyError, PROBLEM_CONTENT_TYPE, problemFrom } from './problem';

const HTTP_CODES: Record<number, [string, string]> = {
  404: ['route_not_found', 'No such route'],
  405: ['method_not_allowed', 'Method not allowed'],
  413: ['payload_too_large', 'Payload too large'],
  415: ['unsupported_media_type', 'Unsupported media type'],
  429: ['rate_limited', 'Too many requests'],
};

/** Turns every error into application/problem+json. Anything unexpected is a logged 500 that names the request id, never a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = toCarveError(exception);
    if (error.status >= 500) {
      this.logger.error({ msg: 'unhandled error', requestId: request.id, err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : exception });
    }
    const body = problemFrom(error, request.url, String(request.id));
    if (typeof error.extensions.retryAfterSeconds === 'number') void reply.header('retry-after', String(error.extensions.retryAfterSeconds));
    void reply.status(error.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }
}

export function toCarveError(exception: unknown): CarveError {
  if (exception instanceof CarveError) return exception;
  if (exception instanceof HttpException) {
    // Nest wraps fastify's own rejections (bad JSON, oversized body, unknown content type)
    // in an HttpException; the fastify error it carries knows which one it was.
    const wrapped = fromFastifyError(exception.cause as { code?: string; statusCode?: number; message?: string } | undefined);
    if (wrapped) return wrapped;
    const status = exception.getStatus();
    const [code, title] = HTTP_CODES[status] ?? [`http_${status}`, exception.name];
    return new CarveError(code, status, title, status === 404 ? 'No route matches this method and path. See /docs for the API.' : exception.message);
  }
  const fastify = fromFastifyError(exception as { code?: string; statusCode?: number; message?: string });
  if (fastify) return fastify;
  return new CarveError('internal_error', 500, 'Internal error', 'Something went wrong on our side. Quote the requestId when you report it.');
}

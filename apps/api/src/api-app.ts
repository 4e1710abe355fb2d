import { randomUUID } from 'node:crypto';
import { ConsoleLogger, LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { CarveConfig, LogLevel } from '@carve/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RedisConnection } from '@carve/redis';
import { RequestAuthenticator } from '@carve/tenancy';
import { ApiModule } from './app.module';
import { buildOpenApiDocument, serveOpenApi } from './http/openapi';
import { PROBLEM_CONTENT_TYPE, problemFrom } from './http/problem';
import { toCarveError } from './http/problem.filter';
import { parseJsonBody } from './http/json-body.parser';
import { RateLimiter, rateLimitedError } from './http/rate-limit';

export interface RegisteredRoute {
  method: string;
  url: string;
}

const NEST_LEVELS: Record<LogLevel, NestLogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

export interface ApiApp {
  app: NestFastifyApplication;
  /** Every route fastify registered, in order: what the tenant-crossing test walks. */
  routes: RegisteredRoute[];
}

/**
 * Builds the HTTP API on Fastify: JSON logs with a request id, problem+json for every
 * error (fastify's own included), a body size limit, a per-token rate limit, and the
 * OpenAPI document at /openapi.json and /docs. Shared by main.ts and the tests.
 */
export async function createApiApp(config: CarveConfig): Promise<ApiApp> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    logger: config.logLevel === 'fatal' ? false : { level: config.logLevel, redact: ['req.headers.authorization'] },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Bad URLs and over-long path parameters are refused by fastify's router before any handler runs.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const carveError = toCarveError(error);
      void reply.status(carveError.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problemFrom(carveError, request.url, String(request.id)));
    },
  });
  const fastify = adapter.getInstance();
  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: String(method), url: route.url });
  });

  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    logger: new ConsoleLogger({ json: true, logLevels: NEST_LEVELS[config.logLevel] }),
    abortOnError: false,
  });

  // The only JSON parser: bounded depth and size, UTF-8 only, before validation and transformation run.
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, async (request: FastifyRequest, body: Buffer) =>
    parseJsonBody(request.headers['content-type'], body),
  );

  const authenticator = app.get(RequestAuthenticator);
  const limiter = new RateLimiter(app.get(RedisConnection), config.rateLimitPerWindow, config.rateLimitWindowSeconds);
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (request.url === '/health' || request.url.startsWith('/docs') || request.url.startsWith('/openapi')) return;
    // Without Redis the limit cannot be counted: serve the request (and /health says Redis is down) rather than fail it.
    const actor = await authenticator.identify(request, request.headers.authorization);
    const decision = await limiter.check(limiter.callerKey(actor?.tokenId, request.ip), Date.now()).catch((error: Error) => {
      request.log.warn({ err: error }, 'rate limit not checked: Redis unavailable');
      return { allowed: true, remaining: -1, retryAfterSeconds: 0 };
    });
    if (decision.remaining >= 0) void reply.header('ratelimit-remaining', String(decision.remaining));
    if (!decision.allowed) {
      const error = rateLimitedError(decision.retryAfterSeconds);
      return reply
        .status(429)
        .header('retry-after', String(decision.retryAfterSeconds))
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(problemFrom(error, request.url, String(request.id)));
    }
  });

  app.enableShutdownHooks();
  serveOpenApi(app, buildOpenApiDocument(app));
  await app.init();
  // The API speaks JSON only: form bodies get 415 like any other media type. Nest adds the form parser during init.
  if (fastify.hasContentTypeParser('application/x-www-form-urlencoded')) fastify.removeContentTypeParser('application/x-www-form-urlencoded');
  return { app, routes };
}

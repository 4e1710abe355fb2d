import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REPLAYED_HEADER } from './idempotency-key';
import { idempotencyStateOf } from './idempotency-requests';
import { IdempotencyStore, StoredResponse } from './idempotency.store';

/** Headers that belong to the answer itself; request ids and rate-limit counters belong to each request. */
const REPLAYED_HEADERS = ['content-type', 'location', 'retry-after'];

/**
 * The other half of the idempotency interceptor, as a fastify onSend hook: only there
 * is the final status and serialized body known (errors included, which the problem
 * filter writes after the interceptor has given up). Registered while the module
 * initialises, before fastify is ready, so it applies to every route.
 */
@Injectable()
export class IdempotencyReplyHook implements OnModuleInit {
  private readonly logger = new Logger('idempotency');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly store: IdempotencyStore,
  ) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    // A Nest context without fastify (a worker, a testing module) has no replies to handle.
    if (typeof instance?.addHook !== 'function') return;
    instance.addHook('onSend', (request, reply, payload) => this.onSend(request, reply, payload));
  }

  private async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const state = idempotencyStateOf(request);
    if (!state) return payload;
    if (state.kind === 'replay') {
      void reply.code(state.response.status);
      for (const [name, value] of Object.entries(state.response.headers)) void reply.header(name, value);
      void reply.header(REPLAYED_HEADER, 'true');
      return state.response.body;
    }
    try {
      const body = payload === undefined || payload === null ? '' : typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      // A 5xx says nothing about the request (retry it); a stream cannot be kept.
      if (reply.statusCode >= 500 || body === undefined) await this.store.release(state.redisKey, state.marker);
      else await this.store.complete(state.redisKey, state.marker, { status: reply.statusCode, headers: replayedHeaders(reply), body: withoutSecrets(body) });
    } catch (error) {
      // The change is made: answering it matters more than remembering it. The marker expires on its own.
      this.logger.warn({ msg: 'could not store idempotent response', requestId: request.id, err: error instanceof Error ? error.message : String(error) });
    }
    return payload;
  }
}

function replayedHeaders(reply: FastifyReply): StoredResponse['headers'] {
  const headers: StoredResponse['headers'] = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

/**
 * An issued API token is shown once: the stored copy of a response never holds the secret
 * (Redis is not where tokens live), so a replay says the token was issued and where to look.
 */
export function withoutSecrets(body: string): string {
  if (!body.includes('"token"')) return body;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { token?: unknown }).token === 'string') {
      return JSON.stringify({ ...(parsed as object), token: null, tokenNotReplayed: 'The token was shown once, in the first answer. Revoke it and issue another if it was lost.' });
    }
  } catch {
    // not JSON: nothing to redact
  }
  return body;
}

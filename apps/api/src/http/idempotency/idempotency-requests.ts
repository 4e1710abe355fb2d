import type { StoredResponse } from './idempotency.store';

/**
 * What the interceptor decided for a request, read back by the reply hook when the
 * response goes out. Keyed by the raw Node request, which the interceptor and the
 * fastify hook both see; a WeakMap lets finished requests go.
 */
export type IdempotencyState =
  | { readonly kind: 'claimed'; readonly redisKey: string; readonly marker: string }
  | { readonly kind: 'replay'; readonly response: StoredResponse };

interface HasRaw {
  raw: object;
}

const states = new WeakMap<object, IdempotencyState>();

export function setIdempotencyState(request: HasRaw, state: IdempotencyState): void {
  states.set(request.raw, state);
}

export function idempotencyStateOf(request: HasRaw): IdempotencyState | undefined {
  return states.get(request.raw);
}

/** True when the response is a replay: the handler did not run, so nothing happened to audit. */
export function isIdempotentReplay(request: HasRaw): boolean {
  return idempotencyStateOf(request)?.kind === 'replay';
}

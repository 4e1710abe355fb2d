import { createHash } from 'node:crypto';
import { InvalidInputError } from '@carve/core';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
/** The methods whose effects a retry could repeat; GET and friends are safe to retry as they are. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'DELETE']);

const KEY_FORM = /^[\x21-\x7e]{1,255}$/;

/** The header's key, undefined when absent; anything but 1-255 visible ASCII characters is a 400 naming the header. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header === 'string' && KEY_FORM.test(header)) return header;
  const message = Array.isArray(header) ? 'must be sent once' : 'must be 1 to 255 visible ASCII characters (no spaces)';
  throw new InvalidInputError([{ field: `header.${IDEMPOTENCY_HEADER}`, message }]);
}

/**
 * JSON with object keys sorted at every level, so `{"a":1,"b":2}` and `{"b":2,"a":1}`
 * are the same request. Arrays keep their order: it means something.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes two requests "the same": method, path with query, and the body's canonical JSON. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${url}\n${canonicalJson(body)}`).digest('hex');
}

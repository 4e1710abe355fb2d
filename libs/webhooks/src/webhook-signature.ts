import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The headers of every delivery (README: "Webhooks"). */
export const WEBHOOK_HEADERS = {
  webhookId: 'carve-webhook-id',
  eventId: 'carve-event-id',
  timestamp: 'carve-timestamp',
  signature: 'carve-signature',
} as const;

/** How old a delivery's timestamp may be before a receiver should refuse it. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new endpoint secret: 32 random bytes, shown once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `v1=` and the hex HMAC-SHA256, keyed by the secret, of `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

/**
 * What a receiver does with a delivery: recompute the signature over the timestamp header,
 * a dot and the raw body bytes, compare in constant time against every v1= value of the
 * signature header, and refuse timestamps more than five minutes away from now (replays).
 */
export function verifyWebhookSignature(secret: string, headers: { timestamp?: string; signature?: string }, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): SignatureCheck {
  if (!headers.timestamp || !headers.signature || !/^\d+$/.test(headers.timestamp)) return { ok: false, reason: 'missing' };
  const timestamp = Number(headers.timestamp);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(webhookSignature(secret, timestamp, rawBody));
  const matches = headers.signature
    .split(',')
    .map((part) => Buffer.from(part.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  return matches ? { ok: true } : { ok: false, reason: 'mismatch' };
}

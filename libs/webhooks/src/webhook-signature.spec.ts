import { createHmac } from 'node:crypto';
import { newWebhookSecret, verifyWebhookSignature, webhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test_secret_of_some_length';
  const body = '{"id":"e1","kind":"pool.transfer.80"}';

  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`1764700000.${body}`).digest('hex');
    expect(webhookSignature(secret, 1764700000, body)).toBe(`v1=${expected}`);
  });

  it('verifies a fresh signature and refuses a changed body, another secret, a stale timestamp and missing headers', () => {
    const now = 1764700000;
    const signature = webhookSignature(secret, now, body);
    expect(verifyWebhookSignature(secret, { timestamp: String(now), signature }, body, now + 10)).toEqual({ ok: true });
    expect(verifyWebhookSignature(secret, { timestamp: String(now), signature: `v1=00, ${signature}` }, body, now)).toEqual({ ok: true });
    expect(verifyWebhookSignature(secret, { timestamp: String(now), signature }, body.replace('80', '100'), now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('another', { timestamp: String(now), signature }, body, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(secret, { timestamp: String(now), signature }, body, now + 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature(secret, { signature }, body, now)).toEqual({ ok: false, reason: 'missing' });
  });

  it('generates distinct secrets', () => {
    expect(newWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(newWebhookSecret());
  });
});

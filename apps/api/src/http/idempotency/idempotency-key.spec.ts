import { InvalidInputError } from '@carve/core';
import { canonicalJson, parseIdempotencyKey, requestFingerprint } from './idempotency-key';

describe('idempotency key', () => {
  it('accepts 1-255 visible ASCII characters and nothing else', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('a')).toBe('a');
    expect(parseIdempotencyKey('~'.repeat(255))).toBe('~'.repeat(255));
    for (const bad of ['', ' ', 'a b', 'x'.repeat(256), 'é', 'a\u0000', ['a', 'b']]) {
      expect(() => parseIdempotencyKey(bad)).toThrow(InvalidInputError);
    }
  });

  it('treats bodies with the same members in another order as the same request, arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(requestFingerprint('post', '/v1/x', { a: 1, b: 2 })).toBe(requestFingerprint('POST', '/v1/x', { b: 2, a: 1 }));
    expect(requestFingerprint('POST', '/v1/x', { a: [1, 2] })).not.toBe(requestFingerprint('POST', '/v1/x', { a: [2, 1] }));
    expect(requestFingerprint('POST', '/v1/x', {})).not.toBe(requestFingerprint('POST', '/v1/y', {}));
    expect(requestFingerprint('DELETE', '/v1/x', undefined)).toBe(requestFingerprint('DELETE', '/v1/x', null));
  });
});

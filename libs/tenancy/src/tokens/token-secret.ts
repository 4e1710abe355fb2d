import { createHash, randomBytes } from 'node:crypto';
import { API_TOKEN_PATTERN } from '@carve/config';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const out: string[] = [];
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 256 - (256 % alphabet.length) && out.length < length) out.push(alphabet[byte % alphabet.length]!);
    }
  }
  return out.join('');
}

export interface NewTokenSecret {
  /** The whole token, shown to the user once. */
  token: string;
  prefix: string;
  secretHash: string;
}

/**
 * Tokens carry 190 bits of randomness, so a plain SHA-256 is a safe way to store them
 * (a slow password hash buys nothing against guessing a random 32-character secret).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newTokenSecret(requested?: string): NewTokenSecret {
  const token = requested ?? `carve_${randomString(LOWER_ALPHANUMERIC, 8)}_${randomString(ALPHANUMERIC, 32)}`;
  if (!API_TOKEN_PATTERN.test(token)) throw new Error('token does not have the carve token form');
  return { token, prefix: token.slice(6, 14), secretHash: hashToken(token) };
}

export function looksLikeToken(value: string): boolean {
  return API_TOKEN_PATTERN.test(value);
}

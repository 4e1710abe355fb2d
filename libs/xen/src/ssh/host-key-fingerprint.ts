import { createHash } from 'node:crypto';

/**
 * The fingerprint OpenSSH prints for a host key (`ssh-keygen -lf`):
 * "SHA256:" + unpadded base64 of the SHA-256 of the key's wire-format blob.
 */
export function hostKeyFingerprint(publicKeyBlob: Buffer): string {
  const digest = createHash('sha256').update(publicKeyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** `SHA256:` followed by exactly 43 base64 characters, as OpenSSH prints it. */
export const HOST_KEY_FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

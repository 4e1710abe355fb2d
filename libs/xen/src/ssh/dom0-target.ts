/**
 * Everything the transport needs to reach one Dom0: where it listens, who we log
 * in as, our key, and the host key fingerprint registered for it (pinned; there
 * is no trust on first use).
 */
export interface Dom0Target {
  /** Stable id of the host in the inventory; the pool keeps one connection per hostId. */
  readonly hostId: string;
  readonly address: string;
  readonly port: number;
  readonly username: string;
  /** OpenSSH or PEM private key text. */
  readonly privateKey: string | Buffer;
  readonly passphrase?: string;
  /** `SHA256:<43 base64 chars>`, as `ssh-keygen -lf` prints it. */
  readonly expectedHostKeyFingerprint: string;
}

/** Two targets with the same hostId but a different identity need different connections. */
export function targetIdentity(target: Dom0Target): string {
  return [target.address, target.port, target.username, target.expectedHostKeyFingerprint].join('\u0000');
}

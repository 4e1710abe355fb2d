/**
 * One SSH connection to a Dom0 with the operator's one-time bootstrap credential (a
 * root password or a private key). It lives for one install and is closed after; the
 * credential is only ever in this object's connect options, never in a log or an error.
 */
import { Client, ConnectConfig } from 'ssh2';
import { hostKeyFingerprint } from '@carve/xen';

export interface BootstrapCredential {
  readonly password?: string;
  readonly privateKey?: string;
  readonly passphrase?: string;
}

export interface BootstrapTarget {
  readonly address: string;
  readonly port: number;
  readonly username: string;
  readonly expectedHostKeyFingerprint: string;
}

export interface RemoteResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Why the connection did not come up, in terms the install turns into problem+json. */
export type BootstrapConnectFailure =
  | { readonly kind: 'credential_rejected' }
  | { readonly kind: 'host_key_mismatch'; readonly received: string }
  | { readonly kind: 'unreachable'; readonly reason: string };

export class BootstrapConnectError extends Error {
  constructor(readonly failure: BootstrapConnectFailure) {
    super(failure.kind === 'unreachable' ? failure.reason : failure.kind);
  }
}

const CONNECT_TIMEOUT_MS = 15_000;

export class BootstrapSession {
  private constructor(private readonly client: Client) {}

  static connect(target: BootstrapTarget, credential: BootstrapCredential): Promise<BootstrapSession> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let offered: string | undefined;
      const config: ConnectConfig = {
        host: target.address,
        port: target.port,
        username: target.username,
        readyTimeout: CONNECT_TIMEOUT_MS,
        // Pinned like every other connection to the host: a credential is never offered to an impostor.
        hostVerifier: (key: Buffer) => {
          const fingerprint = hostKeyFingerprint(key);
          if (fingerprint === target.expectedHostKeyFingerprint) return true;
          offered = fingerprint;
          return false;
        },
        // Providers' Dom0s take a root password as `password` or, behind PAM, as keyboard-interactive.
        ...(credential.password !== undefined ? { password: credential.password, tryKeyboard: true } : {}),
        ...(credential.privateKey !== undefined ? { privateKey: credential.privateKey, passphrase: credential.passphrase } : {}),
      };
      if (credential.password !== undefined) {
        const password = credential.password;
        client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)));
      }
      client.once('ready', () => resolve(new BootstrapSession(client)));
      client.once('error', (error: Error & { level?: string; code?: string }) => {
        client.end();
        if (offered !== undefined) reject(new BootstrapConnectError({ kind: 'host_key_mismatch', received: offered }));
        else if (error.level === 'client-authentication') reject(new BootstrapConnectError({ kind: 'credential_rejected' }));
        else reject(new BootstrapConnectError({ kind: 'unreachable', reason: `${target.address}:${target.port}: ${error.code ?? error.message}` }));
      });
      client.connect(config);
    });
  }

  /** Runs a line (built from carve's own constants and quoted values) with optional stdin; a non-zero exit is a result. */
  exec(line: string, stdin?: string): Promise<RemoteResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(line, (error, channel) => {
        if (error) return reject(error);
        let stdout = '';
        let stderr = '';
        let exitCode = -1;
        channel.setEncoding('utf8');
        channel.stderr.setEncoding('utf8');
        channel.on('data', (chunk: string) => (stdout += chunk));
        channel.stderr.on('data', (chunk: string) => (stderr += chunk));
        channel.on('exit', (code: number | null, signal?: string) => {
          exitCode = code ?? (signal ? 128 : -1);
        });
        channel.on('close', () => resolve({ exitCode, stdout, stderr }));
        channel.end(stdin);
      });
    });
  }

  close(): void {
    this.client.end();
  }
}

import {
  AuthenticationFailedError,
  Dom0TransportError,
  HostKeyMismatchError,
  HostUnreachableError,
} from './dom0-transport.errors';
import type { Dom0Target } from './dom0-target';

/** ssh2 marks its errors with `level` (and Node socket errors carry `code`). */
interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

/**
 * Turns whatever ssh2 reported before `ready` into one typed error. A host key
 * rejected by our verifier surfaces from ssh2 as a generic handshake failure,
 * so the fingerprint the host offered is passed in and wins over anything else.
 */
export function mapConnectError(
  target: Dom0Target,
  error: Ssh2Error | undefined,
  offeredMismatchedFingerprint: string | undefined,
): Dom0TransportError {
  const where = `${target.address}:${target.port}`;
  if (offeredMismatchedFingerprint !== undefined) {
    return new HostKeyMismatchError(target.hostId, target.expectedHostKeyFingerprint, offeredMismatchedFingerprint);
  }
  if (error === undefined) {
    return new HostUnreachableError(target.hostId, `${where} closed the connection before SSH was ready`);
  }
  const options = { cause: error };
  switch (error.level) {
    case 'client-authentication':
      return new AuthenticationFailedError(
        target.hostId,
        `${where} rejected public key authentication for ${target.username}`,
        options,
      );
    case 'client-timeout':
      return new HostUnreachableError(target.hostId, `${where}: no SSH session within the connect timeout`, options);
    case 'client-dns':
      return new HostUnreachableError(target.hostId, `${where}: address does not resolve (${error.message})`, options);
    case 'client-socket':
      return new HostUnreachableError(
        target.hostId,
        `${where}: ${error.code ?? 'socket error'} (${error.message})`,
        options,
      );
    default:
      // Lost before the banner, protocol or key-exchange trouble: nothing we did
      // wrong with credentials, so worth retrying later.
      return new HostUnreachableError(target.hostId, `${where}: ${error.message}`, options);
  }
}

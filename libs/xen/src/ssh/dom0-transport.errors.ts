/**
 * Typed transport errors. `code` is stable (logs, problem+json, job records);
 * `transient` tells the job runner whether retrying later can help.
 */
export abstract class Dom0TransportError extends Error {
  abstract readonly code: string;
  abstract readonly transient: boolean;

  constructor(
    readonly hostId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Refused, unroutable, unknown name, or no SSH handshake within the connect timeout. */
export class HostUnreachableError extends Dom0TransportError {
  readonly code = 'DOM0_HOST_UNREACHABLE';
  readonly transient = true;
}

/** The host rejected our key. Retrying will not help until someone fixes the key. */
export class AuthenticationFailedError extends Dom0TransportError {
  readonly code = 'DOM0_AUTHENTICATION_FAILED';
  readonly transient = false;
}

/** The host offered a key other than the one registered for it; we never authenticated. */
export class HostKeyMismatchError extends Dom0TransportError {
  readonly code = 'DOM0_HOST_KEY_MISMATCH';
  readonly transient = false;

  constructor(
    hostId: string,
    readonly expectedFingerprint: string,
    readonly receivedFingerprint: string,
  ) {
    super(
      hostId,
      `Host key mismatch for ${hostId}: expected ${expectedFingerprint}, received ${receivedFingerprint}`,
    );
  }
}

/** The command did not finish in time; it was signalled and its channel closed. */
export class CommandTimeoutError extends Dom0TransportError {
  readonly code = 'DOM0_COMMAND_TIMEOUT';
  readonly transient = true;

  constructor(
    hostId: string,
    readonly timeoutMs: number,
    readonly commandDescription: string,
  ) {
    super(hostId, `${commandDescription} on ${hostId} did not finish within ${timeoutMs} ms`);
  }
}

/** The connection closed while the command ran; the pool reconnects for the next command. */
export class ConnectionDroppedError extends Dom0TransportError {
  readonly code = 'DOM0_CONNECTION_DROPPED';
  readonly transient = true;
}

/** The host refused a new session channel on a live connection (e.g. MaxSessions reached). */
export class ChannelOpenFailedError extends Dom0TransportError {
  readonly code = 'DOM0_CHANNEL_OPEN_FAILED';
  readonly transient = true;
}

/** The pool was closed; nothing more will run through it. */
export class TransportClosedError extends Dom0TransportError {
  readonly code = 'DOM0_TRANSPORT_CLOSED';
  readonly transient = false;
}

/** The command ran and exited non-zero. Permanent unless the caller knows better. */
export class CommandFailedError extends Dom0TransportError {
  readonly code = 'DOM0_COMMAND_FAILED';
  readonly transient: boolean;

  constructor(
    hostId: string,
    readonly commandDescription: string,
    readonly exitCode: number,
    readonly stderr: string,
    readonly stdout: string,
    options: { transient?: boolean } = {},
  ) {
    const detail = stderr.trim() === '' ? '(no stderr)' : stderr.trim();
    super(hostId, `${commandDescription} on ${hostId} exited with ${exitCode}: ${detail}`);
    this.transient = options.transient ?? false;
  }
}

/** The host's carve-agent is missing or older than carve needs: install or upgrade it; retrying will not help. */
export class AgentOutdatedError extends Dom0TransportError {
  readonly code = 'DOM0_AGENT_OUTDATED';
  readonly transient = false;
}

/** The agent refused a request carve built (a verb or argument it does not know: an agent of another version). */
export class AgentRefusedError extends Dom0TransportError {
  readonly code = 'DOM0_AGENT_REFUSED';
  readonly transient = false;
}

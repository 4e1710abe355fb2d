import { CarveError, ConflictError } from '@carve/core';

/** The bootstrap credential did not log in: the field that was sent is named, its value never. */
export class BootstrapCredentialRejectedError extends CarveError {
  constructor(field: 'credential.password' | 'credential.privateKey', username: string) {
    super('bootstrap_credential_rejected', 422, 'Bootstrap credential rejected', `The host refused ${field.split('.')[1]} authentication for ${username}. Nothing was changed on the host.`, {
      fields: [{ field, message: `rejected by the host for ${username}` }],
    });
  }
}

/** A 409, not a 5xx: the API is fine, the host is not answering (carve answers no 5xx for what a client can fix or wait out). */
export class HostUnreachableForInstallError extends ConflictError {
  constructor(reason: string) {
    super('dom0_unreachable', `Could not open an SSH session to the host (${reason}). Nothing was changed; retry with a new Idempotency-Key when it answers.`);
  }
}

export class HostKeyMismatchForInstallError extends ConflictError {
  constructor(expected: string, received: string) {
    super('dom0_host_key_mismatch', `The host offered key ${received}, not the registered ${expected}; the credential was not sent. Fix the host's hostKeyFingerprint if the host was reinstalled.`, {
      expectedFingerprint: expected,
      receivedFingerprint: received,
    });
  }
}

export class UnsupportedDom0Error extends ConflictError {
  constructor(found: string) {
    super('dom0_unsupported_os', `The agent is installed on Debian 12 or later only; the host reports ${found || 'no /etc/os-release'}. Nothing was changed.`);
  }
}

/** A step on the host failed; `steps` in the problem shows what had been done before it. */
export class AgentInstallStepError extends ConflictError {
  constructor(code: string, detail: string, steps: readonly object[]) {
    super(code, detail, { steps });
  }
}

/** carve's side is not ready (no SSH key configured, no agent bundle): nothing was sent to the host. */
export class AgentInstallUnavailableError extends ConflictError {
  constructor(code: string, detail: string) {
    super(code, detail);
  }
}

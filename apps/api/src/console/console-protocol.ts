import type { ConsoleEndReason, ConsoleUpstreamState } from '@carve/console';

/**
 * The console WebSocket's control messages (text frames, JSON). Console bytes travel as
 * binary frames both ways; the server drops a non-typist's bytes and says so in `status`.
 */
export type ServerControlMessage =
  | {
      type: 'status';
      sessionId: string;
      /** This viewer may hold the keyboard (admin, operator). */
      canType: boolean;
      /** This viewer holds it now. */
      typist: boolean;
      /** Viewers attached to this server's console in this API process. */
      viewers: number;
      /** 'restarting' while the domain reboots and the hub waits to re-attach; the session stays open. */
      upstream: ConsoleUpstreamState;
      /** Sent with the status that a reboot changed: what happened, one line for the viewer. */
      message?: string;
    }
  | { type: 'ended'; reason: ConsoleEndReason; message: string }
  | { type: 'error'; message: string };

export type ClientControlMessage = { type: 'take-keyboard' };

/** WebSocket close codes per end reason: 1000 normal, 1011 upstream gone, 1012 service restart, 4000-range policy. */
export const CLOSE_CODES: Record<ConsoleEndReason, number> = {
  closed: 1000,
  'upstream-ended': 1011,
  shutdown: 1012,
  unavailable: 1011,
  revoked: 4001,
  idle: 4008,
};

export function parseClientMessage(text: string): ClientControlMessage | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && (parsed as { type?: unknown }).type === 'take-keyboard') return { type: 'take-keyboard' };
  } catch {
    return undefined;
  }
  return undefined;
}

/** A close reason fits in 123 bytes of UTF-8. */
export function closeReason(message: string): string {
  let reason = message;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

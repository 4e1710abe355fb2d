import { ConflictError } from '@carve/core';
import { ALLOWED_ACTIONS, type ServerState } from '@carve/servers';

/** States a server can be moved in: its domain is running (moved live-stopped, started on the target) or stopped. */
export const MOVABLE_STATES: readonly ServerState[] = ['running', 'stopped'];

/** The state machine's answer for a server that cannot move now, with the actions it allows. */
export function notMovable(state: ServerState): ConflictError {
  const allowed = ALLOWED_ACTIONS[state];
  return new ConflictError(
    'action_not_allowed',
    allowed.length > 0 ? `A ${state} server cannot move; allowed now: ${allowed.join(', ')}.` : `A ${state} server allows no actions.`,
    { state, action: 'move', allowedActions: allowed },
  );
}

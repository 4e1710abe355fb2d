import { ConflictError } from '@carve/core';
import type { ServerState } from './server.entity';

export const SERVER_ACTIONS = [
  'start',
  'stop',
  'reboot',
  'resize',
  'grow-disk',
  'add-disk',
  'remove-disk',
  'switch-root',
  'set-limits',
  'rescue',
  'rescue-exit',
  'console',
  'delete',
] as const;
export type ServerAction = (typeof SERVER_ACTIONS)[number];

const CHANGES: ServerAction[] = ['resize', 'grow-disk', 'add-disk', 'remove-disk', 'switch-root', 'set-limits'];

/**
 * Which actions each state allows (README: "Server states"). A request is checked against
 * the state when it is made; its job then waits its turn in the server's lane.
 * - pending: the order is queued; provisioning: being built. Both can be deleted (the delete runs after the build).
 * - entering_rescue, rescue, leaving_rescue: the rescue system boots with the server's disks (README: "Rescue mode").
 * - failed: only delete (what was built has been undone).
 * - deleting, deleted: nothing.
 */
export const ALLOWED_ACTIONS: Record<ServerState, readonly ServerAction[]> = {
  pending: ['delete'],
  provisioning: ['delete'],
  running: ['stop', 'reboot', ...CHANGES, 'rescue', 'console', 'delete'],
  stopped: ['start', ...CHANGES, 'rescue', 'delete'],
  // The domain is being swapped for the rescue system (or back); a delete waits for the job.
  entering_rescue: ['delete'],
  rescue: ['rescue-exit', 'console', 'delete'],
  leaving_rescue: ['delete'],
  failed: ['delete'],
  deleting: [],
  deleted: [],
};

export function assertActionAllowed(state: ServerState, action: ServerAction): void {
  const allowed = ALLOWED_ACTIONS[state];
  if (allowed.includes(action)) return;
  throw new ConflictError(
    'action_not_allowed',
    allowed.length > 0
      ? `A ${state} server cannot ${action}; allowed now: ${allowed.join(', ')}.`
      : `A ${state} server allows no actions.`,
    { state, action, allowedActions: allowed },
  );
}

import type { JobView } from '@carve/jobs';
import type { ServerMove } from './server-move.entity';

export type MoveView = Omit<ServerMove, 'requestedByUserId'>;

export function toMoveView(move: ServerMove): MoveView {
  const { requestedByUserId: _by, ...view } = move;
  return view;
}

export interface AcceptedMove {
  move: MoveView;
  job: JobView;
}

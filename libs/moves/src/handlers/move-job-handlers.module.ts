import { Module } from '@nestjs/common';
import { EventsModule } from '@carve/events';
import { JobsModule, registerJobHandlers } from '@carve/jobs';
import { ServerJobHandlersModule, ServersModule } from '@carve/servers';
import { MovesModule } from '../moves.module';
import { MoveCleanupHandler } from './move-cleanup.handler';
import { MoveServerHandler } from './move-server.handler';

export const MOVE_JOB_HANDLERS = [MoveServerHandler, MoveCleanupHandler] as const;

/** The worker side of moves: its handlers, registered next to the servers' ones. */
@Module({
  imports: [MovesModule, ServersModule, ServerJobHandlersModule, JobsModule, EventsModule],
  providers: [...MOVE_JOB_HANDLERS, registerJobHandlers('moves', MOVE_JOB_HANDLERS)],
  exports: [...MOVE_JOB_HANDLERS],
})
export class MoveJobHandlersModule {}

import { Module } from '@nestjs/common';
import { JobsModule, registerJobHandlers } from '@carve/jobs';
import { TenancyModule } from '@carve/tenancy';
import { ServersModule } from '../servers.module';
import { AddDiskHandler } from './add-disk.handler';
import { CreateServerHandler } from './create-server.handler';
import { DeleteServerHandler } from './delete-server.handler';
import { EnterRescueHandler } from './enter-rescue.handler';
import { ExitRescueHandler } from './exit-rescue.handler';
import { GrowDiskHandler } from './grow-disk.handler';
import { RebootServerHandler } from './reboot-server.handler';
import { RemoveDiskHandler } from './remove-disk.handler';
import { ResizeMemoryHandler } from './resize-memory.handler';
import { ResizeVcpusHandler } from './resize-vcpus.handler';
import { FailedActionUndo } from './failed-action-undo';
import { ServerJobSupport } from './server-job-support';
import { SetLimitsHandler } from './set-limits.handler';
import { StartServerHandler } from './start-server.handler';
import { StopServerHandler } from './stop-server.handler';
import { SwitchRootHandler } from './switch-root.handler';

/** One handler per server job type (every JobType but none of another capability's). */
export const SERVER_JOB_HANDLERS = [
  CreateServerHandler,
  StartServerHandler,
  StopServerHandler,
  RebootServerHandler,
  ResizeMemoryHandler,
  ResizeVcpusHandler,
  GrowDiskHandler,
  AddDiskHandler,
  RemoveDiskHandler,
  SwitchRootHandler,
  SetLimitsHandler,
  EnterRescueHandler,
  ExitRescueHandler,
  DeleteServerHandler,
] as const;

/**
 * The worker side of servers: the handlers that build, change and delete DomUs, each
 * provided as itself and registered with the jobs registry for the worker's dispatcher
 * (other capabilities register theirs the same way, next to these, never over them).
 * Needs the app's DataSource (TypeORM root module) and Clock (CoreModule).
 */
@Module({
  imports: [ServersModule, JobsModule, TenancyModule],
  providers: [
    ServerJobSupport,
    FailedActionUndo,
    ...SERVER_JOB_HANDLERS,
    registerJobHandlers('servers', SERVER_JOB_HANDLERS),
  ],
  exports: [ServerJobSupport, FailedActionUndo, ...SERVER_JOB_HANDLERS],
})
export class ServerJobHandlersModule {}

import { Module } from '@nestjs/common';
import { JobDispatcher } from './job-dispatcher';
import { JobEvents } from './job-events';
import { JobHandlerRegistry } from './job-handler-registry';
import { JobLifecycleHooks } from './job-lifecycle-hooks';
import { JobRepository } from './job.repository';
import { JobService } from './job.service';
import { ProvisioningQueue } from './provisioning-queue';

/** The jobs queue as the API and the worker share it. The BullMQ consumer lives in apps/worker only. */
@Module({
  providers: [JobHandlerRegistry, JobRepository, JobDispatcher, JobEvents, JobLifecycleHooks, JobService, ProvisioningQueue],
  exports: [JobHandlerRegistry, JobRepository, JobDispatcher, JobEvents, JobLifecycleHooks, JobService, ProvisioningQueue],
})
export class JobsModule {}

import { Module } from '@nestjs/common';
import { JobsModule } from '@carve/jobs';
import { TenancyModule } from '@carve/tenancy';
import { JobsController } from './jobs.controller';

/** The HTTP side of the jobs queue. */
// TenancyModule: the event stream checks the caller's token again while it is open.
@Module({ imports: [JobsModule, TenancyModule], controllers: [JobsController] })
export class JobsApiModule {}

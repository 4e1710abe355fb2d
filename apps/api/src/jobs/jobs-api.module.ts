import { Module } from '@nestjs/common';
import { JobsModule } from '@carve/jobs';
import { JobsController } from './jobs.controller';

/** The HTTP side of the jobs queue. */
@Module({ imports: [JobsModule], controllers: [JobsController] })
export class JobsApiModule {}

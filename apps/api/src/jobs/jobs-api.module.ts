import { Module } from '@nestjs/common';

/** The HTTP side of the jobs capability. */
@Module({ imports: [], controllers: [] })
export class JobsApiModule {}

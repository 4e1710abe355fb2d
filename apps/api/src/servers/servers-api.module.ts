import { Module } from '@nestjs/common';

/** The HTTP side of the servers capability. */
@Module({ imports: [], controllers: [] })
export class ServersApiModule {}

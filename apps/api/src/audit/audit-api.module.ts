import { Module } from '@nestjs/common';

/** The HTTP side of the audit capability. */
@Module({ imports: [], controllers: [] })
export class AuditApiModule {}

import { Module } from '@nestjs/common';

/** The HTTP side of the reconciliation capability. */
@Module({ imports: [], controllers: [] })
export class ReconciliationApiModule {}

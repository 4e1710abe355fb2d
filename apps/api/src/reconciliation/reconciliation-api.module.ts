import { Module } from '@nestjs/common';
import { DriftFindingsModule } from '@carve/reconciliation';
import { DriftFindingsController } from './drift-findings.controller';
import { HostReconcileController } from './host-reconcile.controller';

/** The HTTP side of the reconciliation capability: findings to read, passes to ask for. */
@Module({ imports: [DriftFindingsModule], controllers: [DriftFindingsController, HostReconcileController] })
export class ReconciliationApiModule {}

import { Module } from '@nestjs/common';
import { InventoryModule } from '@carve/inventory';
import { DriftFindingRepository } from './drift-finding.repository';
import { DriftFindingService } from './drift-finding.service';
import { ReconcileRequests } from './reconcile-requests';

/**
 * Findings and reconcile requests, as the API and the worker share them. The pass itself
 * (RECONCILER_PROVIDERS) needs a HostProbe, which only the worker can provide (SSH).
 */
@Module({
  imports: [InventoryModule],
  providers: [DriftFindingRepository, DriftFindingService, ReconcileRequests],
  exports: [DriftFindingRepository, DriftFindingService, ReconcileRequests],
})
export class DriftFindingsModule {}

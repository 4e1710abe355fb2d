import { HostProbe, RECONCILER_PROVIDERS } from '@carve/reconciliation';
import { Dom0HostProbe } from './dom0-host-probe';
import { ReconcileRequestsWorker } from './reconcile-requests.worker';
import { ReconcileScheduler } from './reconcile.scheduler';

/**
 * What WorkerModule provides for reconciliation (with DriftFindingsModule imported):
 * the pass, its SSH probe over Dom0Connections, the schedule and the request consumer.
 */
export const RECONCILIATION_WORKER_PROVIDERS = [...RECONCILER_PROVIDERS, { provide: HostProbe, useClass: Dom0HostProbe }, ReconcileScheduler, ReconcileRequestsWorker];

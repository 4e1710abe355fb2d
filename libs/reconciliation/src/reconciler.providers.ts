import { ServerJobsInFluxReader } from '@carve/jobs';
import { ServersOnHost } from '@carve/servers';
import { HostViewRepository } from './host-view.repository';
import { JobRecovery } from './job-recovery.service';
import { ReconcileLock } from './reconcile-lock';
import { Reconciler } from './reconciler.service';
import { WorkerLiveness } from './worker-liveness';

/**
 * The pass, for the worker to provide next to its HostProbe implementation; it needs
 * DriftFindingsModule, JobsModule, RedisModule and CoreModule in the same context.
 */
export const RECONCILER_PROVIDERS = [ServersOnHost, ServerJobsInFluxReader, HostViewRepository, WorkerLiveness, JobRecovery, ReconcileLock, Reconciler];

import { DynamicModule, Module } from '@nestjs/common';
import { CarveConfig, ConfigModule } from '@carve/config';
import { CoreModule } from '@carve/core';
import { DatabaseModule } from '@carve/database';
import { ALL_ENTITIES, ALL_MIGRATIONS } from '@carve/migrations';
import { InventoryModule } from '@carve/inventory';
import { JobsModule } from '@carve/jobs';
import { MeteringModule, TransferModule } from '@carve/metering';
import { DriftFindingsModule } from '@carve/reconciliation';
import { RedisModule } from '@carve/redis';
import { MoveJobHandlersModule } from '@carve/moves';
import { ServerJobHandlersModule } from '@carve/servers';
import { BillingWorkerModule } from './billing/billing-worker.module';
import { Dom0Connections } from './provisioning/dom0-connections';
import { HostLeases } from './provisioning/host-leases';
import { METERING_WORKER_PROVIDERS } from './metering/metering.providers';
import { TransferAlertsScheduler } from './metering/transfer-alerts.scheduler';
import { JobRunner } from './provisioning/job-runner';
import { ProvisioningWorker } from './provisioning/provisioning.worker';
import { RECONCILIATION_WORKER_PROVIDERS } from './reconciliation/reconciliation.providers';
import { WorkerHeartbeat } from './worker-heartbeat.service';
import { IoFairnessWorkerModule } from './io-fairness/io-fairness-worker.module';
import { WebhooksWorkerModule } from './webhooks/webhooks-worker.module';

/** The only process that runs BullMQ workers. */
@Module({})
export class WorkerModule {
  static forRoot(config: CarveConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        CoreModule,
        DatabaseModule.forRoot({ entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS }),
        RedisModule,
        InventoryModule,
        JobsModule,
        ServerJobHandlersModule,
        MoveJobHandlersModule,
        DriftFindingsModule,
        MeteringModule,
        TransferModule,
        BillingWorkerModule,
        WebhooksWorkerModule,
        IoFairnessWorkerModule,
      ],
      providers: [WorkerHeartbeat, Dom0Connections, HostLeases, JobRunner, ProvisioningWorker, ...RECONCILIATION_WORKER_PROVIDERS, ...METERING_WORKER_PROVIDERS, TransferAlertsScheduler],
    };
  }
}

import { Module } from '@nestjs/common';
import { DriftFindingsModule } from '@carve/reconciliation';
import { ServersModule } from '@carve/servers';
import { BilledUsageReader } from './billing/billed-usage.reader';
import { UsageIngest } from './ingest/usage-ingest.service';
import { IoSamplesReader } from './io/io-samples.reader';
import { HostCpuSummary } from './query/host-cpu';
import { UsageCoverage } from './query/usage-coverage';
import { UsageGraphs } from './query/usage-graphs.service';
import { UsageQuery } from './query/usage-query';
import { MeteringPartitions } from './storage/metering-partitions';
import { ReadingCursors } from './storage/reading-cursors';
import { UsageStore } from './storage/usage-store';

/**
 * Metering's storage and ingest path, shared by the worker (collection) and the API
 * (graphs). The collector itself needs SSH and is wired in the worker (METERING_WORKER_PROVIDERS).
 */
@Module({
  imports: [ServersModule, DriftFindingsModule],
  providers: [MeteringPartitions, ReadingCursors, UsageStore, UsageIngest, UsageQuery, UsageGraphs, HostCpuSummary, BilledUsageReader, UsageCoverage, IoSamplesReader],
  exports: [MeteringPartitions, UsageIngest, UsageCoverage, IoSamplesReader, UsageQuery, UsageGraphs, HostCpuSummary, BilledUsageReader, ServersModule, DriftFindingsModule],
})
export class MeteringModule {}

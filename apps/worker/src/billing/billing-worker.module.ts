import { Module } from '@nestjs/common';
import { InvoicesModule } from '@carve/billing';
import { PoolsModule } from '@carve/pools';
import { BillingRunScheduler } from './billing-run.scheduler';

/** The worker's part of billing: the scheduled invoice run after each month end. */
@Module({ imports: [InvoicesModule, PoolsModule], providers: [BillingRunScheduler] })
export class BillingWorkerModule {}

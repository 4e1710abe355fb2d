import { Module } from '@nestjs/common';
import { InvoicesModule } from '@carve/billing';
import { BillingRunScheduler } from './billing-run.scheduler';

/** The worker's part of billing: the scheduled invoice run after each month end. */
@Module({ imports: [InvoicesModule], providers: [BillingRunScheduler] })
export class BillingWorkerModule {}

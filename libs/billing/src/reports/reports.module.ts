import { Module } from '@nestjs/common';
import { InventoryModule } from '@carve/inventory';
import { MeteringModule } from '@carve/metering';
import { PoolsModule } from '@carve/pools';
import { InvoicesModule } from '../invoices/invoices.module';
import { MarginReport } from './margin-report.service';

/** The operator's reports over billed months. */
@Module({ imports: [InvoicesModule, InventoryModule, MeteringModule, PoolsModule], providers: [MarginReport], exports: [MarginReport] })
export class BillingReportsModule {}

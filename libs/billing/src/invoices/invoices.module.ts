import { Module } from '@nestjs/common';
import { MeteringModule } from '@carve/metering';
import { PoolsModule } from '@carve/pools';
import { TenancyModule } from '@carve/tenancy';
import { PriceBookModule } from '../price-book/price-book.module';
import { BillingInputs } from './billing-inputs';
import { InvoiceRuns } from './invoice-run.service';
import { InvoiceRepository } from './invoice.repository';
import { InvoiceViews } from './invoice-views.service';

/** Invoice runs and stored invoices: what the API's billing routes, the worker's scheduler and the replay use. */
@Module({
  imports: [PriceBookModule, MeteringModule, PoolsModule, TenancyModule],
  providers: [BillingInputs, InvoiceRepository, InvoiceRuns, InvoiceViews],
  exports: [BillingInputs, InvoiceRepository, InvoiceRuns, InvoiceViews, PriceBookModule],
})
export class InvoicesModule {}

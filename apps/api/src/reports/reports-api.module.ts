import { Module } from '@nestjs/common';
import { BillingReportsModule } from '@carve/billing';
import { ReportsController } from './reports.controller';

/** The HTTP side of the operator's reports. */
@Module({ imports: [BillingReportsModule], controllers: [ReportsController] })
export class ReportsApiModule {}

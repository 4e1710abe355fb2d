import { Module } from '@nestjs/common';
import { PriceBookModule } from '@carve/billing';
import { PriceBookController } from './price-book.controller';

/** The HTTP side of billing: the price book (operator); invoices, runs and reports join it here. */
@Module({ imports: [PriceBookModule], controllers: [PriceBookController] })
export class BillingApiModule {}

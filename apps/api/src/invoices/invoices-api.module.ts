import { Module } from '@nestjs/common';
import { InvoicesModule } from '@carve/billing';
import { InvoiceDocs } from './invoice-docs';
import { InvoicesController } from './invoices.controller';

/** The HTTP side of invoices and invoice runs. */
@Module({ imports: [InvoicesModule], controllers: [InvoicesController], providers: [InvoiceDocs] })
export class InvoicesApiModule {}

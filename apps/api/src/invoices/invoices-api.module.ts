import { Module } from '@nestjs/common';
import { CreditNotesModule, InvoicesModule } from '@carve/billing';
import { CreditNotesController } from './credit-notes.controller';
import { InvoiceDocs } from './invoice-docs';
import { InvoicesController } from './invoices.controller';

/** The HTTP side of invoices, invoice runs and credit notes. */
@Module({ imports: [InvoicesModule, CreditNotesModule], controllers: [InvoicesController, CreditNotesController], providers: [InvoiceDocs] })
export class InvoicesApiModule {}

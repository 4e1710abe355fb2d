import { Module } from '@nestjs/common';
import { TenancyModule } from '@carve/tenancy';
import { InvoicesModule } from '../invoices/invoices.module';
import { CreditNoteRepository } from './credit-note.repository';
import { CreditNotes } from './credit-notes.service';

/** Credit notes against finalised invoices. */
@Module({ imports: [InvoicesModule, TenancyModule], providers: [CreditNoteRepository, CreditNotes], exports: [CreditNotes] })
export class CreditNotesModule {}

import { Module } from '@nestjs/common';
import { PriceBookRepository } from './price-book.repository';
import { PriceBook } from './price-book.service';

/** The price book, for GET/POST /v1/price-book and for the invoice run (PriceBook.versions). */
@Module({ providers: [PriceBookRepository, PriceBook], exports: [PriceBook] })
export class PriceBookModule {}

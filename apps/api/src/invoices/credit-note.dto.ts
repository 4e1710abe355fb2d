import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';
import { IsDisplayName } from '../http/text-validators';

export class CreditNoteLineDto {
  @ApiPropertyOptional({ example: 1, minimum: 1, description: "The invoice line credited, by its number (GET /v1/invoices/:id lists them); leave out for a free line" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  invoiceLine?: number;

  @ApiPropertyOptional({ example: 'Outage on 2026-10-14', description: 'Required for a free line; defaults to the invoice line credited' })
  @IsOptional()
  @IsDisplayName(200)
  description?: string;

  @ApiProperty({ example: '4.10', description: "Amount credited before tax: a positive decimal in major units with at most the currency's digits" })
  @IsString()
  @Matches(/^\d{1,15}(\.\d{1,6})?$/, { message: 'must be a positive decimal amount such as 4.10' })
  amount: string;
}

export class CreateCreditNoteDto {
  @ApiProperty({ example: 'Outage credit', description: 'Why the invoice is corrected; shown to the customer' })
  @IsDisplayName(500)
  reason: string;

  @ApiProperty({ type: [CreditNoteLineDto], description: 'What is credited: invoice lines by number, or free lines; tax is computed on their sum at the invoice\'s rate, rounded half up once' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreditNoteLineDto)
  lines: CreditNoteLineDto[];
}

export class CreditNoteListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Operators only: one customer' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ description: 'Only the notes against this invoice' })
  @IsOptional()
  @IsUUID()
  invoiceId?: string;
}

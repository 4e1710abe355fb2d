import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class InvoiceListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Operators only: one customer' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @IsString()
  @Matches(MONTH, { message: 'must be a month as YYYY-MM' })
  period?: string;
}

export class PreviewQuery {
  @ApiPropertyOptional({ description: 'Operators: whose month to estimate (customers: their own, leave it out)' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

export class StartRunDto {
  @ApiProperty({ example: '2026-10', description: "A month that has ended, in the operator's billing time zone" })
  @IsString()
  @Matches(MONTH, { message: 'must be a month as YYYY-MM' })
  period: string;
}

export class InvoicesCsvQuery {
  @ApiProperty({ example: '2026-10', description: "The period whose final invoices are exported, in the operator's billing time zone" })
  @IsString()
  @Matches(MONTH, { message: 'must be a month as YYYY-MM' })
  period: string;
}

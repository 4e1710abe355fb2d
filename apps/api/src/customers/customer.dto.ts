import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CustomerStatus } from '@carve/tenancy';
import { Type } from 'class-transformer';
import { IsDate, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';
import { IsDisplayName } from '../http/text-validators';
import { IsTaxRate } from '../billing/billing-validators';

const CUSTOMER_STATUSES: CustomerStatus[] = ['active', 'suspended'];
const DISPLAY_NAME = /^[\p{L}\p{N}][\p{L}\p{N} .,&'()-]*$/u;

export class CreateCustomerDto {
  @ApiProperty({ example: 'Acme Hosting GmbH' })
  @IsString()
  @IsDisplayName(100)
  @Matches(DISPLAY_NAME, { message: "must start with a letter or digit and contain only letters, digits, spaces and . , & ' ( ) -" })
  name: string;

  @ApiPropertyOptional({ example: 'billing@acme.example' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  contactEmail?: string;

  @ApiPropertyOptional({
    example: '0.10',
    type: String,
    description: `Tax charged on each invoice's subtotal, as a fraction: "0.10" is 10% GST, "0.19" 19% VAT, "0" exempt. Default "0".`,
  })
  @ValidateIf((o: { taxRate?: unknown }) => o.taxRate !== undefined)
  @IsTaxRate()
  taxRate?: string;

  @ApiProperty({ example: 'Ada Admin', description: "Name of the customer's first admin user" })
  @IsString()
  @IsDisplayName(100)
  adminName: string;

  @ApiProperty({ example: 'ada@acme.example' })
  @IsEmail()
  @MaxLength(254)
  adminEmail: string;
}

export class UpdateCustomerDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsDisplayName(100)
  @Matches(DISPLAY_NAME, { message: "must start with a letter or digit and contain only letters, digits, spaces and . , & ' ( ) -" })
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  contactEmail?: string | null;

  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES })
  @IsOptional()
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;

  @ApiPropertyOptional({
    example: '0.10',
    type: String,
    description: `Tax charged on each invoice's subtotal, as a fraction: "0.10" is 10% GST, "0.19" 19% VAT, "0" exempt. A change applies to every invoice issued after it, the month in progress included; issued invoices keep their rate.`,
  })
  @IsOptional()
  @IsTaxRate()
  taxRate?: string;
}

export class CustomerListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES })
  @IsOptional()
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;

  @ApiPropertyOptional({ description: 'Substring of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'ci deploys' })
  @IsString()
  @IsDisplayName(100)
  name: string;

  @ApiPropertyOptional({ example: '2030-01-01T00:00:00Z', description: 'When the token stops working (UTC)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO 8601 date-time' })
  expiresAt?: Date;
}

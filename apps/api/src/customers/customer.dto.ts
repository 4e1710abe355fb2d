import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CustomerStatus } from '@carve/tenancy';
import { Type } from 'class-transformer';
import { IsDate, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';
import { IsDisplayName } from '../http/text-validators';

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

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldProblem, InvalidInputError } from '@carve/core';
import { POOL_BILLING_MODES, type CreatePoolInput, type PoolBillingMode } from '@carve/pools';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';
import { MAX_SIZES } from './pool-sizes.dto';
import { IsDisplayName } from '../http/text-validators';
import { IsPrice } from '../billing/billing-validators';

const POOL_KINDS = ['shared', 'dedicated'] as const;
const POOL_NAME = /^[A-Za-z0-9]([A-Za-z0-9 ._-]{0,61}[A-Za-z0-9])?$/;
const POOL_NAME_MESSAGE = 'must be 1-63 letters, digits, spaces, dots, dashes or underscores, starting and ending with a letter or digit';
const isShared = (o: { kind?: string }) => o.kind === 'shared';
const BILLING_DESCRIPTION =
  'Shared pools only. transfer: the monthly transfer allowance (transferGB) and GB sent beyond it; p95: the 95th percentile of the pool\'s 5-minute bandwidth instead. ' +
  'The invoice run reads it when it bills a month, so a change applies to the whole of the next invoice (the month in progress), not from the moment it is made.';

export class CreatePoolDto {
  @ApiProperty({ example: 'production' })
  @IsString()
  @IsDisplayName(63)
  @Matches(POOL_NAME, { message: POOL_NAME_MESSAGE })
  name: string;

  @ApiProperty({ enum: POOL_KINDS, description: 'shared: sizes you choose, on shared hosts; dedicated: the whole capacity of a host dedicated to you' })
  @IsIn(POOL_KINDS)
  kind: 'shared' | 'dedicated';

  @ApiPropertyOptional({ example: 16384, description: 'Shared pools only (required)' })
  @ValidateIf(isShared)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZES.memoryMiB)
  memoryMiB?: number;

  @ApiPropertyOptional({ example: 8, description: 'Shared pools only (required)' })
  @ValidateIf(isShared)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZES.vcpus)
  vcpus?: number;

  @ApiPropertyOptional({ example: 200, description: 'Shared pools only (required)' })
  @ValidateIf(isShared)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZES.diskGiB)
  diskGiB?: number;

  @ApiPropertyOptional({ example: 2000, description: 'Monthly transfer, GB. Shared pools only (required)' })
  @ValidateIf(isShared)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZES.transferGB)
  transferGB?: number;

  @ApiPropertyOptional({ enum: POOL_BILLING_MODES, default: 'transfer', description: BILLING_DESCRIPTION })
  @IsOptional()
  @IsIn(POOL_BILLING_MODES)
  billing?: PoolBillingMode;

  @ApiPropertyOptional({ description: 'Dedicated pools only (required): a host dedicated to the customer' })
  @ValidateIf((o: { kind?: string }) => o.kind === 'dedicated')
  @IsUUID()
  hostId?: string;

  @ApiPropertyOptional({ description: 'Operators only (required for them): the customer the pool is for. Customers cannot send it.' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

/** The DTO as the service's input; fields that belong to the other kind are refused by name. */
export function toCreatePoolInput(dto: CreatePoolDto): CreatePoolInput {
  const base = { name: dto.name, ...(dto.customerId !== undefined ? { customerId: dto.customerId } : {}) };
  if (dto.kind === 'dedicated') {
    const stray: FieldProblem[] = (['memoryMiB', 'vcpus', 'diskGiB', 'transferGB'] as const)
      .filter((f) => dto[f] !== undefined)
      .map((field) => ({ field, message: "is not a field of a dedicated pool: its size is the host's capacity" }));
    if (dto.billing !== undefined) stray.push({ field: 'billing', message: 'is not a field of a dedicated pool: it is billed its monthlyPrice' });
    if (stray.length > 0) throw new InvalidInputError(stray);
    return { ...base, kind: 'dedicated', hostId: dto.hostId! };
  }
  if (dto.hostId !== undefined) throw new InvalidInputError([{ field: 'hostId', message: 'is not a field of a shared pool' }]);
  return { ...base, kind: 'shared', memoryMiB: dto.memoryMiB!, vcpus: dto.vcpus!, diskGiB: dto.diskGiB!, transferGB: dto.transferGB!, ...(dto.billing !== undefined ? { billing: dto.billing } : {}) };
}

export class UpdatePoolDto {
  @ApiPropertyOptional({ example: 'production' })
  @IsOptional()
  @IsString()
  @IsDisplayName(63)
  @Matches(POOL_NAME, { message: POOL_NAME_MESSAGE })
  name?: string;

  @ApiPropertyOptional({ example: 32768, description: 'Shared pools only' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SIZES.memoryMiB)
  memoryMiB?: number;

  @ApiPropertyOptional({ example: 16, description: 'Shared pools only' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SIZES.vcpus)
  vcpus?: number;

  @ApiPropertyOptional({ example: 400, description: 'Shared pools only' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SIZES.diskGiB)
  diskGiB?: number;

  @ApiPropertyOptional({ example: 4000, description: 'Shared pools only' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SIZES.transferGB)
  transferGB?: number;

  @ApiPropertyOptional({ enum: POOL_BILLING_MODES, description: BILLING_DESCRIPTION })
  @IsOptional()
  @IsIn(POOL_BILLING_MODES)
  billing?: PoolBillingMode;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '120.00',
    description:
      "Dedicated pools only, operators only: the monthly rent, a decimal string in major units of the price book's currency, prorated to the second like every recurring charge. " +
      'null (the default, also for a dedicated pool a customer creates) means the rent is not billed. Read when a month is invoiced: a change applies to the whole of the next invoice.',
  })
  @IsOptional()
  @IsPrice()
  monthlyPrice?: string | null;
}

export class PoolListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Operators only: one customer\'s pools' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: POOL_KINDS })
  @IsOptional()
  @IsIn(POOL_KINDS)
  kind?: 'shared' | 'dedicated';
}

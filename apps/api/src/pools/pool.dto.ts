import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldProblem, InvalidInputError } from '@carve/core';
import type { CreatePoolInput } from '@carve/pools';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';
import { MAX_SIZES } from './pool-sizes.dto';
import { IsDisplayName } from '../http/text-validators';

const POOL_KINDS = ['shared', 'dedicated'] as const;
const POOL_NAME = /^[A-Za-z0-9]([A-Za-z0-9 ._-]{0,61}[A-Za-z0-9])?$/;
const POOL_NAME_MESSAGE = 'must be 1-63 letters, digits, spaces, dots, dashes or underscores, starting and ending with a letter or digit';
const isShared = (o: { kind?: string }) => o.kind === 'shared';

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
    if (stray.length > 0) throw new InvalidInputError(stray);
    return { ...base, kind: 'dedicated', hostId: dto.hostId! };
  }
  if (dto.hostId !== undefined) throw new InvalidInputError([{ field: 'hostId', message: 'is not a field of a shared pool' }]);
  return { ...base, kind: 'shared', memoryMiB: dto.memoryMiB!, vcpus: dto.vcpus!, diskGiB: dto.diskGiB!, transferGB: dto.transferGB! };
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

import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/** Upper bounds keep every size, and any sum of a customer's pools, far from PostgreSQL's integer limit. */
export const MAX_SIZES = { memoryMiB: 1_000_000_000, vcpus: 1_000_000, diskGiB: 1_000_000_000, transferGB: 1_000_000_000 } as const;

/** Four sizes, every one required: a ceiling. */
export class PoolSizesDto {
  @ApiProperty({ example: 65536, minimum: 0, maximum: MAX_SIZES.memoryMiB })
  @IsInt()
  @Min(0)
  @Max(MAX_SIZES.memoryMiB)
  memoryMiB: number;

  @ApiProperty({ example: 32, minimum: 0, maximum: MAX_SIZES.vcpus })
  @IsInt()
  @Min(0)
  @Max(MAX_SIZES.vcpus)
  vcpus: number;

  @ApiProperty({ example: 1000, minimum: 0, maximum: MAX_SIZES.diskGiB })
  @IsInt()
  @Min(0)
  @Max(MAX_SIZES.diskGiB)
  diskGiB: number;

  @ApiProperty({ example: 20000, minimum: 0, maximum: MAX_SIZES.transferGB, description: 'Monthly transfer, GB' })
  @IsInt()
  @Min(0)
  @Max(MAX_SIZES.transferGB)
  transferGB: number;
}

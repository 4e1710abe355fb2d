import { ApiProperty } from '@nestjs/swagger';
import type { PoolCeilingState } from '@carve/pools';
import { PoolSizesDto } from './pool-sizes.dto';

export class PoolCeilingView {
  @ApiProperty() customerId: string;
  @ApiProperty({ example: 65536 }) memoryMiB: number;
  @ApiProperty({ example: 32 }) vcpus: number;
  @ApiProperty({ example: 1000 }) diskGiB: number;
  @ApiProperty({ example: 20000 }) transferGB: number;
  @ApiProperty({ type: PoolSizesDto, description: "What the customer's shared pools add up to now" }) used: PoolSizesDto;
  @ApiProperty({ nullable: true, type: Date, description: 'Null until the operator sets a ceiling (it is zero until then)' }) updatedAt: Date | null;

  static of(s: PoolCeilingState): PoolCeilingView {
    return Object.assign(new PoolCeilingView(), { customerId: s.customerId, ...s.ceiling, used: s.used, updatedAt: s.updatedAt });
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CAPACITY_MODES, CapacityMode } from '@carve/io-fairness';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class IoImpactQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Start of the window (ISO 8601 with a zone); 24 hours before `to` when left out. No earlier than raw metering is kept (48 h by default).' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-02T00:00:00Z', description: 'End of the window; now when left out' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}

export class UpdateHostIoPolicyDto {
  @ApiPropertyOptional({ example: 90, minimum: 1, maximum: 100, description: 'An interval is contended when the busiest physical disk was busy more than this % of it' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  busyThresholdPercent?: number;

  @ApiPropertyOptional({ enum: CAPACITY_MODES, example: 'none', description: 'IO capacity baseline: none, fixed (capacityIops / capacityMBps) or learned (learnedPercentile of the host\'s own 5-minute history)' })
  @IsOptional()
  @IsIn(CAPACITY_MODES)
  capacityMode?: CapacityMode;

  @ApiPropertyOptional({ example: 2000, minimum: 1, nullable: true, description: 'Host IOPS above which an interval is contended (fixed mode); null clears' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  capacityIops?: number | null;

  @ApiPropertyOptional({ example: 400, minimum: 1, nullable: true, description: 'Host MB/s (10^6 bytes) above which an interval is contended (fixed mode); null clears' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  capacityMBps?: number | null;

  @ApiPropertyOptional({ example: 99, minimum: 50, maximum: 100, nullable: true, description: 'Percentile of the host\'s history used as the learned baseline (learned mode; 99 when left out)' })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(100)
  learnedPercentile?: number | null;

  @ApiPropertyOptional({
    example: 15,
    minimum: 1,
    maximum: 1440,
    description: 'Minutes one server must take at least half the disk time of a contention window before host.io.dominated is raised (checked every IO_DOMINANCE_INTERVAL_SECONDS)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  dominanceMinutes?: number;
}

export class HostIoPolicyView {
  @ApiProperty() hostId: string;
  @ApiProperty({ example: 90 }) busyThresholdPercent: number;
  @ApiProperty({ enum: CAPACITY_MODES }) capacityMode: CapacityMode;
  @ApiProperty({ nullable: true, type: Number }) capacityIops: number | null;
  @ApiProperty({ nullable: true, type: Number }) capacityMBps: number | null;
  @ApiProperty({ nullable: true, type: Number }) learnedPercentile: number | null;
  @ApiProperty({ example: 15, description: 'Minutes of dominance before host.io.dominated' }) dominanceMinutes: number;
  @ApiProperty({ description: 'False while the host uses the defaults' }) custom: boolean;
  @ApiProperty({ nullable: true, type: String }) updatedAt: string | null;
}

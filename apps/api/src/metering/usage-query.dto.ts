import { ApiPropertyOptional } from '@nestjs/swagger';
import { USAGE_METRICS, UsageMetric } from '@carve/metering';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class UsageQueryDto {
  @ApiPropertyOptional({ enum: ['24h', '30d'], description: 'The last 24 hours or 30 days (the default is 24h). Not with month or from/to.' })
  @IsOptional()
  @IsString()
  @MaxLength(8)
  range?: string;

  @ApiPropertyOptional({ example: '2026-11', description: 'A past or current calendar month (UTC), YYYY-MM' })
  @IsOptional()
  @IsString()
  @MaxLength(7)
  month?: string;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Start of a custom window (ISO 8601 with a zone)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-02T00:00:00Z', description: 'End of a custom window; now when left out' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}

export class UsageGraphQueryDto extends UsageQueryDto {
  @ApiPropertyOptional({ enum: USAGE_METRICS, default: 'cpu', description: 'Which of the three stacked graphs' })
  @IsOptional()
  @IsIn(USAGE_METRICS)
  metric?: UsageMetric;
}

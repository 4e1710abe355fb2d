import { ApiPropertyOptional } from '@nestjs/swagger';
import type { DriftKind } from '@carve/reconciliation';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';
import { DRIFT_KINDS } from './drift-kinds';

export class DriftFindingListQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  hostId?: string;

  @ApiPropertyOptional({ enum: DRIFT_KINDS })
  @IsOptional()
  @IsIn(DRIFT_KINDS)
  kind?: DriftKind;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: still open; false: resolved; absent: both' })
  @IsOptional()
  @IsIn(['true', 'false'])
  open?: 'true' | 'false';
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_KINDS, type EventKind } from '@carve/events';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';

export class EventListQuery extends PageQuery {
  @ApiPropertyOptional({ description: "Operators only: one customer's events (a customer always reads its own)" })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS)
  kind?: EventKind;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';

export class AuditEventQuery extends PageQuery {
  @ApiPropertyOptional({ description: "Operators: one tenant's events. Customers only ever see their own." })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  objectId?: string;

  @ApiPropertyOptional({ example: 'server' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'must be letters, digits, _ or -' })
  objectType?: string;

  @ApiPropertyOptional({ example: 'servers.order' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'must be letters, digits, _, . or -' })
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  actorUserId?: string;
}

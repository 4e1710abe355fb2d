import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuditEvent } from '@carve/audit';

export class AuditEventView {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The tenant the object belongs to; null for operator-only events' }) customerId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Who did it; null for carve itself' }) actorUserId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The API token used' }) actorTokenId: string | null;
  @ApiProperty({ example: 'servers.order' }) action: string;
  @ApiProperty({ example: 'server' }) objectType: string;
  @ApiPropertyOptional({ nullable: true, type: String }) objectId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The request body without secrets, long strings trimmed' }) details: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty() createdAt: Date;

  static of(event: AuditEvent): AuditEventView {
    const { id, customerId, actorUserId, actorTokenId, action, objectType, objectId, details, requestId, createdAt } = event;
    return { id, customerId, actorUserId, actorTokenId, action, objectType, objectId, details, requestId, createdAt };
  }
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

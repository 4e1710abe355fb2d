import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_ACTOR_KINDS, type AuditActorKind, type AuditEventSeen } from '@carve/audit';

export class AuditActorView {
  @ApiProperty({
    enum: AUDIT_ACTOR_KINDS,
    description:
      '`operator`: the hosting provider; `customer`: a user of the account; `carve`: carve itself (a job, the reconciler). ' +
      'Customers see the operator as `{ "kind": "operator" }` only, without its user and token ids.',
  })
  kind: AuditActorKind;

  @ApiPropertyOptional({ description: 'The user who acted; absent for carve, and for the operator when a customer reads' }) userId?: string;
  @ApiPropertyOptional({ description: 'The API token used; absent as userId is' }) tokenId?: string;
}

export class AuditEventView {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The tenant the object belongs to; null for operator-only events' }) customerId: string | null;
  @ApiProperty({ type: AuditActorView, description: 'Who did it, as far as the reader may know' }) actor: AuditActorView;
  @ApiPropertyOptional({ nullable: true, type: String, description: '`actor.userId`: null for carve itself, and for the operator when a customer reads' }) actorUserId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: '`actor.tokenId`: null as actorUserId is' }) actorTokenId: string | null;
  @ApiProperty({ example: 'servers.order' }) action: string;
  @ApiProperty({ example: 'server' }) objectType: string;
  @ApiPropertyOptional({ nullable: true, type: String }) objectId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The request body without secrets, long strings trimmed' }) details: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty() createdAt: Date;

  static of(event: AuditEventSeen): AuditEventView {
    const { id, customerId, actor, actorUserId, actorTokenId, action, objectType, objectId, details, requestId, createdAt } = event;
    return { id, customerId, actor, actorUserId, actorTokenId, action, objectType, objectId, details, requestId, createdAt };
  }
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

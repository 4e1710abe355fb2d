import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_KINDS, EVENT_SUBJECT_TYPES, type Event } from '@carve/events';

export class EventView {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The customer it concerns; null for events only the operator sees' }) customerId: string | null;
  @ApiProperty({
    enum: EVENT_KINDS,
    description: '`pool.transfer.80` / `pool.transfer.100`: a shared pool sent 80% / 100% of its monthly transfer allowance (once per pool and UTC month)',
  })
  kind: string;
  @ApiProperty({ enum: EVENT_SUBJECT_TYPES }) subjectType: string;
  @ApiProperty({ description: 'The object it is about, e.g. the pool' }) subjectId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Depends on the kind. pool.transfer.*: `{ month: "YYYY-MM", usedBytes, allowanceBytes, percent }` (GB are 10^9 bytes)',
  })
  data: Record<string, unknown>;
  @ApiProperty() occurredAt: Date;

  static of(e: Event): EventView {
    return { id: e.id, customerId: e.customerId, kind: e.kind, subjectType: e.subjectType, subjectId: e.subjectId, data: e.data, occurredAt: e.occurredAt };
  }
}

export class EventPage {
  @ApiProperty({ type: [EventView] }) items: EventView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

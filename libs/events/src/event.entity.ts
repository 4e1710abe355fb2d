import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EventKind, EventSubjectType } from './event-catalog';

/**
 * Something that happened that a customer (customerId) or only the operator (null) should
 * hear about. dedupKey makes an event that must happen once a single row whoever raises it.
 */
@Entity('events')
export class Event {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'customer_id', nullable: true }) customerId: string | null;
  @Column({ type: 'text' }) kind: EventKind;
  @Column({ type: 'text', name: 'subject_type' }) subjectType: EventSubjectType;
  @Column({ type: 'uuid', name: 'subject_id' }) subjectId: string;
  @Column({ type: 'jsonb', default: {} }) data: Record<string, unknown>;
  @Column({ type: 'text', name: 'dedup_key', nullable: true }) dedupKey: string | null;
  @Column({ type: 'timestamptz', name: 'occurred_at' }) occurredAt: Date;
}

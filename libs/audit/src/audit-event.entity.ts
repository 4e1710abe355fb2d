import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to which object. customerId is the tenant the object belongs to (null: operator objects). */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', name: 'customer_id', nullable: true }) customerId: string | null;
  @Column({ type: 'uuid', name: 'actor_user_id', nullable: true }) actorUserId: string | null;
  @Column({ type: 'uuid', name: 'actor_token_id', nullable: true }) actorTokenId: string | null;
  @Column({ type: 'varchar', length: 64 }) action: string;
  @Column({ type: 'varchar', length: 32, name: 'object_type' }) objectType: string;
  @Column({ type: 'uuid', name: 'object_id', nullable: true }) objectId: string | null;
  @Column({ type: 'jsonb', default: {} }) details: Record<string, unknown>;
  @Column({ type: 'varchar', length: 64, name: 'request_id', nullable: true }) requestId: string | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
}

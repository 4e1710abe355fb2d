import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DriftFinding } from '@carve/reconciliation';
import { DRIFT_KINDS } from './drift-kinds';

export class DriftFindingView {
  @ApiProperty() id: string;
  @ApiProperty() hostId: string;
  @ApiProperty({ enum: DRIFT_KINDS }) kind: string;
  @ApiProperty({ description: 'What drifted: the domain name, the LV name, the server id, the job id, or the SSH endpoint' }) subject: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the reconciler saw, e.g. the domain state or the LV size' })
  details: Record<string, unknown>;
  @ApiProperty() firstSeenAt: Date;
  @ApiProperty({ description: 'The last pass that still saw it' }) lastSeenAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Set by the first pass that no longer saw it; null while open' }) resolvedAt: Date | null;

  static of(f: DriftFinding): DriftFindingView {
    return { id: f.id, hostId: f.hostId, kind: f.kind, subject: f.subject, details: f.details, firstSeenAt: f.firstSeenAt, lastSeenAt: f.lastSeenAt, resolvedAt: f.resolvedAt };
  }
}

export class DriftFindingPage {
  @ApiProperty({ type: [DriftFindingView] }) items: DriftFindingView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ReconcileRequestedView {
  @ApiProperty() hostId: string;
  @ApiProperty() requestedAt: Date;
}

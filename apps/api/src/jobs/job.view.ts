import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_STATUSES, JOB_TYPES } from '@carve/jobs';

export class JobStepView {
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'skipped', 'failed'] }) status: string;
  @ApiPropertyOptional() startedAt?: string;
  @ApiPropertyOptional() finishedAt?: string;
  @ApiPropertyOptional({ type: [String], description: 'Command lines run on the Dom0' }) commands?: string[];
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional() error?: string;
}

export class JobView {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ nullable: true, type: String }) customerId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) serverId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) hostId: string | null;
  @ApiProperty({ enum: JOB_TYPES }) type: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params: Record<string, unknown>;
  @ApiProperty({ enum: JOB_STATUSES }) status: string;
  @ApiProperty({ type: [JobStepView] }) steps: JobStepView[];
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) requestedByUserId: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ description: 'Increases with every change; pass as afterVersion to wait for the next one' }) version: number;
}

export class JobPage {
  @ApiProperty({ type: [JobView] }) items: JobView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

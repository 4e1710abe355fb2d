import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { JobView } from '../jobs/job.view';

export class MoveServerDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The host to move to; left out, placement chooses (active shared hosts with room, one customer spread)' })
  @IsOptional()
  @IsUUID('all')
  targetHostId?: string;
}

export class MoveDoc {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiProperty({ format: 'uuid' }) sourceHostId: string;
  @ApiProperty({ format: 'uuid' }) targetHostId: string;
  @ApiProperty({ enum: ['queued', 'running', 'switched', 'succeeded', 'failed'] }) status: string;
  @ApiProperty({ description: 'Per volume: bytes copied, sha256 streamed, on the source and on the target, seconds' }) volumes: object[];
}

export class MoveAcceptedDoc {
  @ApiProperty({ type: MoveDoc }) move: MoveDoc;
  @ApiProperty({ type: JobView, description: 'Follow it at /v1/jobs/{id}: each volume copy step shows bytes copied and the rate' }) job: JobView;
}

export class DrainSummaryDoc {
  @ApiProperty({ description: 'The drain: status running or finished, when it started and finished' }) drain: object;
  @ApiProperty({ description: 'Servers moved off the host' }) moved: object[];
  @ApiProperty({ description: 'Moves queued or under way' }) moving: object[];
  @ApiProperty({ description: 'Servers that cannot move yet (being built or deleted), with why' }) waiting: object[];
  @ApiProperty({ description: 'Servers that could not be moved, with a code and why' }) couldNot: object[];
}
